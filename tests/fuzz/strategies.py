"""Hypothesis strategies for Telegram updates: random and mutated texts, commands, buttons, files, groups."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bot.handlers import BUTTONS, COMMANDS
from bot.handlers.groups import GROUP_COMMANDS
from bot.handlers.onboarding import STEPS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"
BOT_USERNAME = "runcoach_test_bot"
USER_IDS = tuple(range(7001, 7031))  # a small pool: state (onboarding, questions) carries across examples
GROUP_IDS = (-800001, -800002, -1000000800003)
_ids = itertools.count(10_000_000)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{1,32})?")

# -- texts  -----------------------------------------------------------------------------------------------

SCRIPTS = st.sampled_from([
    (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF), (0x600, 0x6FF),  # RTL
    (0x900, 0x97F), (0xE00, 0xE7F), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00),
    (0x1F300, 0x1F6FF), (0x1F900, 0x1F9FF), (0x2000, 0x206F),  # emoji, punctuation incl. RTL/LTR marks, ZWJ
    (0x0001, 0x001F),  # control characters (not NUL)
])


@st.composite
def script_text(draw: st.DrawFn, max_size: int = 300) -> str:
    lo, hi = draw(SCRIPTS)
    return draw(st.text(st.characters(min_codepoint=lo, max_codepoint=hi, exclude_categories=("Cs",)),
                        min_size=1, max_size=max_size))


NUMBERS = st.one_of(
    st.sampled_from(["1e309", "-1e309", "1e-400", "-0", "0", "00", "NaN", "nan", "inf", "-inf", "∞", "0x1F",
                     "١٢", "۵", "½", "⅓", "1,5", "1.5.5", "9" * 60, "-" * 3, "+5", "5-", "5..", ".5", "5e",
                     "99:99:99", "25:61", "0:00", "-1:30", "1:2:3:4", "24:00:00", "٣٠:٠٠", "１０"]),
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

TEMPLATES = [
    "ran {n} km", "ran {n}k in {n} min", "{n}k in {n}", "10k in {n}", "rpe {n}", "RPE {n}", "slept {n}h hrv {n}",
    "hrv {n}", "resting hr {n}", "weight {n} kg", "sleep {n} hours, soreness {n}/5", "did {n} miles in {n}",
    "swam {n} m in {n} min", "bike {n} km {n} min", "can I break {n} in the {n}?", "can I run a {n} marathon",
    "goal half marathon in {n} on {n}", "only {n} min today", "{n} days ago {n} km in {n} min",
    "yesterday easy {n} km, rpe {n}", "pace {n}/km for {n} km", "avg hr {n}, max hr {n}", "I have {n} minutes",
    "race on {n} April", "set morning time {n}", "timezone UTC{n}", "{n}", "{n} {n} {n}",
]


@st.composite
def malformed_numbers(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(TEMPLATES))
    return re.sub(r"\{n\}", lambda _m: draw(NUMBERS), template)


RUNNING_WORDS = st.sampled_from([
    "ran", "run", "km", "miles", "rpe", "today", "plan", "why", "tired", "slept", "hrv", "sore", "knee",
    "race", "marathon", "10k", "half", "skip", "yes", "no", "1", "5", "10", "easy", "tempo", "interval",
    "bike", "swim", "what should I do", "?", "!", "…", "🏃", "😴", "ok", "hello", "help",
])


@st.composite
def word_salad(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.one_of(RUNNING_WORDS, NUMBERS, script_text(12)), min_size=1, max_size=12)))


def long_text() -> st.SearchStrategy[str]:
    unit = st.one_of(st.just("ran 5k in 25 min "), st.just("🏃‍♀️"), st.just("שלום "), st.just("x"),
                     st.just("<b>&amp;</b> "))
    return st.tuples(unit, st.integers(4001, 6000)).map(lambda t: (t[0] * (t[1] // len(t[0]) + 1))[:t[1]])


def any_text() -> st.SearchStrategy[str]:
    return st.one_of(script_text(), malformed_numbers(), word_salad(), long_text(),
                     st.text(min_size=1, max_size=80).filter(lambda s: "\x00" not in s))


def visible(text: str) -> bool:
    return bool(text.strip())  # Telegram does not deliver empty or whitespace-only messages


# -- commands  --------------------------------------------------------------------------------------------

HEAVY = {"progress"}  # chart rendering: ~0.4 s each, fuzzed separately with few examples
COMMAND_NAMES = sorted((set(COMMANDS) | set(GROUP_COMMANDS) | {"assign", "stop", "settings", "x", "Start"}) - HEAVY)


@st.composite
def command(draw: st.DrawFn, names: list[str] | None = None) -> str:
    name = draw(st.one_of(st.sampled_from(names or COMMAND_NAMES),
                          st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=40)))
    mention = draw(st.sampled_from(["", "", f"@{BOT_USERNAME}", "@other_bot", "@"]))
    args = draw(st.one_of(st.just(""), any_text(), st.sampled_from(
        ["join_1", "join_", "join_99999999999999999999", "join_-1", "1", "tomorrow", "Ana tempo 40", "half 1:45"])))
    return f"/{name}{mention}" + (f" {args}" if args else "")


# -- buttons  ---------------------------------------------------------------------------------------------

SMALL = st.integers(-2, 12).map(str)
IDS = st.one_of(st.integers(-5, 60).map(str), st.sampled_from(["", "x", "1e3", "99999999999999999999", "-0"]))
DATES = st.one_of(st.dates().map(lambda d: d.isoformat()),
                  st.sampled_from(["2026-03-12", "2026-03-11", "2026-02-30", "20260312", "", "x", "9999-99-99"]))


@st.composite
def forged_button(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([*BUTTONS, "ob", "consent", "asg", "clar", "junk"]))
    if kind == "rpe":
        data = f"rpe:{draw(IDS)}:{draw(SMALL)}"
    elif kind == "feel":
        data = f"feel:{draw(DATES)}:{draw(SMALL)}"
    elif kind == "wk":
        data = f"wk:{draw(DATES)}:{draw(st.sampled_from(['done', 'skipped', 'changed', 'x', '']))}"
    elif kind == "del":
        data = draw(st.sampled_from(["del:yes", "del:no", "del:", "del:yes:yes"]))
    elif kind == "ob":
        step = draw(st.sampled_from([*STEPS, "restart", "done", ""]))
        value = draw(st.sampled_from(["skip", "keep", "novice", "v2", "v9", "10k", "fitness", "d4", "d9", "45",
                                      "9999", "07:00", "25:99", "", "go"]))
        data = f"ob:{step}:{value}"
    elif kind == "consent":
        data = f"consent:{draw(IDS)}:{draw(st.sampled_from(['summary', 'wellness', 'no', '', 'all']))}"
    elif kind == "asg":
        data = (f"asg:{draw(IDS)}:{draw(st.sampled_from(['20260312', '20260313', '20261399', '2026031', 'x']))}:"
                f"{draw(st.sampled_from(['easy', 'tempo', 'long', 'x']))}:{draw(IDS)}:"
                f"{draw(st.sampled_from(['y', 'n', '']))}")
    elif kind == "clar":
        data = f"clar:{draw(st.text('abcdefghijklmnopqrstuvwxyz_:0123456789', max_size=40))}"
    else:
        data = draw(st.text(min_size=0, max_size=64).filter(lambda s: "\x00" not in s))
    extra = draw(st.sampled_from(["", "", "", ":", ":1", "::"]))
    return data + extra


def button_data() -> st.SearchStrategy[str]:
    return st.one_of(forged_button(), st.binary(max_size=64).map(lambda b: b.decode("latin-1"))).filter(
        lambda s: len(s.encode()) <= 64)


# -- files  -----------------------------------------------------------------------------------------------

def _small_fixtures() -> list[Path]:
    files = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix.lower() in (
        ".fit", ".gpx", ".tcx", ".csv") and p.stat().st_size <= 400_000]
    return files


FIXTURE_FILES = _small_fixtures()


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(FIXTURE_FILES))
    data = bytearray(path.read_bytes())
    how = draw(st.sampled_from(["truncate", "flip", "splice", "empty", "as-is", "garbage"]))
    if how == "truncate":
        data = data[:draw(st.integers(0, max(0, len(data) - 1)))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 20))):
            if data:
                i = draw(st.integers(0, len(data) - 1))
                data[i] = draw(st.integers(0, 255))
    elif how == "splice":
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=200)) + data[cut:]
    elif how == "empty":
        data = bytearray()
    elif how == "garbage":
        data = bytearray(draw(st.binary(max_size=2000)))
    name = draw(st.one_of(st.just(path.name), st.sampled_from(
        ["run.fit", "run.FIT", "run.gpx", "track.tcx", "export.csv", "archive.zip", "noext", ".fit", "a.b.c.gpx",
         "x" * 200 + ".fit", "тренировка.gpx", "../../etc/passwd.fit"])))
    return name, bytes(data)


# -- updates  ---------------------------------------------------------------------------------------------

NAMES = st.one_of(st.sampled_from(["Ana", "Ben", "محمد", "José", "李", "Zoë 🏃", "<b>bold</b>", "&amp;", "A" * 64]),
                  script_text(64))


def user(uid: int, name: str) -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": name}


def chat_of(chat_id: int, name: str) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": name}
    return {"id": chat_id, "type": "supergroup" if chat_id < -10**12 else "group", "title": "Club <&> 🏃"}


def message(uid: int, name: str, chat_id: int, **fields: Any) -> dict[str, Any]:
    return {"update_id": next(_ids), "message": {"message_id": next(_ids), "date": 1_773_302_400,
                                                  "chat": chat_of(chat_id, name), "from": user(uid, name), **fields}}


def text_update(uid: int, name: str, body: str, chat_id: int | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"text": body}
    match = _COMMAND.match(body)
    if match:  # Telegram marks a command only when it is well formed (UTF-16 length == len for ASCII)
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": match.end()}]
    return message(uid, name, chat_id if chat_id is not None else uid, **fields)


def button_update(uid: int, name: str, data: str, chat_id: int | None = None) -> dict[str, Any]:
    chat_id = chat_id if chat_id is not None else uid
    return {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "from": user(uid, name), "chat_instance": "ci", "data": data,
        "message": {"message_id": next(_ids), "date": 1_773_302_400, "chat": chat_of(chat_id, name), "text": "…",
                    "from": {"id": 123456, "is_bot": True, "first_name": "RunCoach"}}}}


def document_update(uid: int, name: str, file_id: str, file_name: str, size: int) -> dict[str, Any]:
    return message(uid, name, uid, document={"file_id": file_id, "file_unique_id": file_id, "file_name": file_name,
                                             "file_size": size})


def is_known_group_command(body: str) -> bool:
    match = _COMMAND.match(body)
    if not match:
        return False
    name = body[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
    return name in GROUP_COMMANDS
