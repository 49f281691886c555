"""Random and mutated Telegram updates through the real Application's ``process_update``.

Over 10,000 updates in all (see the ``fuzz:`` line of the terminal summary): private texts in many
scripts and lengths, malformed numbers, random commands with random arguments, random and forged
button data, truncated and mutated activity files, photos / stickers / locations, group messages, and
mixed sequences that keep state between updates (onboarding, clarifying questions). Every update must be
handled without an exception or an apology and answered — or deliberately ignored (group chatter,
unknown group commands). Checks live in ``conftest.FuzzBot.feed``.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies as s
from tests.fuzz.conftest import FuzzBot


def fast(n: int) -> settings:
    return settings(FAST, max_examples=n)


FAST = settings(deadline=None, derandomize=False, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
_file_ids = itertools.count(1)
UIDS = st.sampled_from(s.USER_IDS)


@fast(2500)
@given(uid=UIDS, name=s.NAMES, body=s.any_text().filter(s.visible))
def test_private_texts(fuzz_bot: FuzzBot, uid: int, name: str, body: str) -> None:
    fuzz_bot.feed(s.text_update(uid, name, body))


@fast(1500)
@given(uid=UIDS, body=s.malformed_numbers())
def test_malformed_numbers(fuzz_bot: FuzzBot, uid: int, body: str) -> None:
    fuzz_bot.feed(s.text_update(uid, "Ana", body))


@fast(1200)
@given(uid=UIDS, body=s.command())
def test_random_commands(fuzz_bot: FuzzBot, uid: int, body: str) -> None:
    fuzz_bot.feed(s.text_update(uid, "Ana", body))


@fast(10)
@given(uid=UIDS, args=st.one_of(st.just(""), s.any_text()))
def test_progress_charts(fuzz_bot: FuzzBot, uid: int, args: str) -> None:
    fuzz_bot.feed(s.text_update(uid, "Ana", f"/progress {args}".strip()))


@fast(2000)
@given(uid=UIDS, data=s.button_data())
def test_random_and_forged_buttons(fuzz_bot: FuzzBot, uid: int, data: str) -> None:
    calls = fuzz_bot.feed(s.button_update(uid, "Ana", data))
    assert [c for c in calls if c.method == "answerCallbackQuery"], "every tap is acknowledged"


@fast(300)
@given(uid=UIDS, upload=s.mutated_file())
def test_truncated_and_mutated_files(fuzz_bot: FuzzBot, uid: int, upload: tuple[str, bytes]) -> None:
    name, data = upload
    file_id = f"fz{next(_file_ids)}"
    fuzz_bot.request.files[file_id] = data
    fuzz_bot.feed(s.document_update(uid, "Ana", file_id, name, len(data)))
    del fuzz_bot.request.files[file_id]


OTHER_MEDIA = st.sampled_from([
    {"photo": [{"file_id": "ph", "file_unique_id": "ph", "width": 90, "height": 90}]},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
    {"sticker": {"file_id": "st", "file_unique_id": "st", "width": 512, "height": 512, "is_animated": False,
                 "is_video": False, "type": "regular"}},
    {"video_note": {"file_id": "vn", "file_unique_id": "vn", "length": 240, "duration": 2}},
])


@fast(300)
@given(uid=UIDS, media=OTHER_MEDIA, lat=st.floats(-90, 90), lon=st.floats(-180, 180),
       use_location=st.booleans())
def test_media_and_locations(fuzz_bot: FuzzBot, uid: int, media: dict, lat: float, lon: float,
                             use_location: bool) -> None:
    fields = {"location": {"latitude": lat, "longitude": lon}} if use_location else media
    fuzz_bot.feed(s.message(uid, "Ana", uid, **fields))


@fast(1500)
@given(uid=UIDS, group=st.sampled_from(s.GROUP_IDS),
       body=st.one_of(s.any_text(), s.command(), s.command(list(s.GROUP_COMMANDS))).filter(s.visible))
def test_group_messages(fuzz_bot: FuzzBot, uid: int, group: int, body: str) -> None:
    if not body.startswith("/") or not s._COMMAND.match(body):
        expect = "ignore"  # privacy mode: chatter is not the bot's to read
    elif s.is_known_group_command(body):
        expect = "any" if "@" in body.split()[0] and f"@{s.BOT_USERNAME}" not in body.split()[0] else "reply"
    else:
        expect = "ignore"  # unknown group commands are ignored by design
    fuzz_bot.feed(s.text_update(uid, "Ana", body, chat_id=group), expect=expect)


STEP = st.one_of(
    st.tuples(st.just("text"), s.any_text().filter(s.visible)),
    st.tuples(st.just("text"), st.sampled_from([
        "/start", "skip", "Ana", "a few years", "35", "20 miles", "10k in 48:30", "half", "fitness", "12 April, 1:45",
        "mon wed fri", "4", "45", "1h", "Berlin", "UTC+2", "New York", "07:30", "ran 5k in 25 min", "rpe 6",
        "slept 6h hrv 50", "what should I do today?", "why?", "/delete", "can I break 50 min in the 10k?",
        "only 30 min today", "knee hurts", "/pause", "/resume", "/settings", "/export"])),
    st.tuples(st.just("button"), st.one_of(s.forged_button(), st.sampled_from([
        "ob:name:keep", "ob:experience:novice", "ob:volume:v2", "ob:race:skip", "ob:goal:10k", "ob:goal_details:skip",
        "ob:days:d4", "ob:minutes:45", "ob:timezone:skip", "ob:morning:07:00", "del:yes", "del:no"]))),
)


@fast(250)
@given(uid=UIDS, steps=st.lists(STEP, min_size=2, max_size=8))
def test_mixed_sequences_keep_state_consistent(fuzz_bot: FuzzBot, uid: int, steps: list[tuple[str, str]]) -> None:
    for kind, value in steps:
        if kind == "text":
            fuzz_bot.feed(s.text_update(uid, "Ana", value))
        else:
            fuzz_bot.feed(s.button_update(uid, "Ana", value))


@fast(50)
@given(data=st.data())
def test_membership_events(fuzz_bot: FuzzBot, data: st.DataObject) -> None:
    """The bot added to / removed from groups (and private blocks) in random order: never an error."""
    group = data.draw(st.sampled_from(s.GROUP_IDS))
    uid = data.draw(UIDS)
    old, new = data.draw(st.sampled_from([("left", "member"), ("member", "left"), ("member", "kicked"),
                                          ("kicked", "member")]))
    private = data.draw(st.booleans())
    bot = {"id": 123456, "is_bot": True, "first_name": "RunCoach"}
    chat = s.chat_of(uid if private else group, "Ana")
    update = {"update_id": next(s._ids), "my_chat_member": {
        "chat": chat, "from": s.user(uid, "Ana"), "date": 1_773_302_400,
        "old_chat_member": {"status": old, "user": bot, **({"until_date": 0} if old == "kicked" else {})},
        "new_chat_member": {"status": new, "user": bot, **({"until_date": 0} if new == "kicked" else {})}}}
    added = not private and new in ("member", "administrator") and old not in ("member", "administrator")
    fuzz_bot.feed(update, expect="reply" if added else "ignore")
