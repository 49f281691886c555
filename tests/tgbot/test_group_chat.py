"""Coach groups over the real Application: registration, consent, /team, /leave, migration."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from models.db import session_scope
from models.tables import CoachGroup, Consent
from tests.tgbot import updates as u
from tests.tgbot.conftest import BotHarness

COACH, ANA, BEN = 2001, 2002, 2003
GROUP = -500100


async def _setup_team(tg: BotHarness) -> None:
    await tg.feed(u.bot_added(GROUP, COACH, title="Harriers"))
    for uid, name, run in ((ANA, "Ana", "ran 10 km in 50 min rpe 6"), (BEN, "Ben", "ran 5 km in 24 min rpe 8")):
        await tg.feed(u.text(uid, run, name=name))
        await tg.feed(u.text(uid, "/join", name=name, chat=u.group_chat(GROUP, "Harriers")))


async def test_adding_the_bot_registers_the_group_with_its_coach(tg: BotHarness, engine: Engine) -> None:
    await tg.feed(u.bot_added(GROUP, COACH, title="Harriers"))
    assert "privately" in tg.request.texts(GROUP)[-1]
    with session_scope(engine) as s:
        group = s.exec(select(CoachGroup)).one()
        assert (group.chat_id, group.coach_user_id, group.title) == (GROUP, COACH, "Harriers")


async def test_team_shows_only_consenting_members(tg: BotHarness) -> None:
    await _setup_team(tg)
    # Ana's consent question arrived in her private chat; she agrees. Ben never answers.
    ana_question = [c for c in tg.request.sent() if int(c.params["chat_id"]) == ANA][-1]
    assert "summary" in ana_question.params["text"].lower()
    await tg.feed(u.button(ANA, "consent:1:summary"))
    tg.request.clear()
    await tg.feed(u.text(COACH, "/team", name="Coach", chat=u.group_chat(GROUP, "Harriers")))
    team = tg.request.texts(GROUP)[-1]
    assert "Ana" in team and "10.0 km" in team
    assert "Ben" not in team, "a member who has not consented is invisible"


async def test_leave_withdraws_consent_at_once(tg: BotHarness, engine: Engine) -> None:
    await _setup_team(tg)
    await tg.feed(u.button(ANA, "consent:1:wellness"))
    await tg.feed(u.text(ANA, "/leave", chat=u.group_chat(GROUP, "Harriers")))
    with session_scope(engine) as s:
        assert s.exec(select(Consent).where(Consent.scope != "pending")).all() == []
    tg.request.clear()
    await tg.feed(u.text(COACH, "/team", name="Coach", chat=u.group_chat(GROUP, "Harriers")))
    assert "Ana" not in tg.request.texts(GROUP)[-1]


async def test_coach_command_needs_an_admin(tg: BotHarness, engine: Engine) -> None:
    await tg.feed(u.bot_added(GROUP, COACH))
    await tg.feed(u.text(ANA, "/coach", chat=u.group_chat(GROUP)))
    assert "admin" in tg.request.texts(GROUP)[-1]
    tg.request.admins.add(ANA)
    await tg.feed(u.text(ANA, "/coach", chat=u.group_chat(GROUP)))
    with session_scope(engine) as s:
        assert s.exec(select(CoachGroup)).one().coach_user_id == ANA


async def test_plain_group_chatter_is_ignored_and_migration_keeps_the_group(tg: BotHarness, engine: Engine) -> None:
    await tg.feed(u.bot_added(GROUP, COACH))
    tg.request.clear()
    await tg.feed(u.text(ANA, "anyone for a run tomorrow?", chat=u.group_chat(GROUP)))
    assert tg.request.sent() == []
    await tg.feed(u.migrated(GROUP, -100999, COACH))
    with session_scope(engine) as s:
        assert s.exec(select(CoachGroup)).one().chat_id == -100999


async def test_coach_assigns_and_the_athlete_accepts(tg: BotHarness, engine: Engine) -> None:
    from models.tables import Recommendation

    await _setup_team(tg)
    await tg.feed(u.button(ANA, "consent:1:summary"))
    tg.request.clear()
    await tg.feed(u.text(BEN, "/assign Ana tempo 40", name="Ben", chat=u.group_chat(GROUP, "Harriers")))
    assert "coach" in tg.request.texts(GROUP)[-1], "only the coach assigns"
    await tg.feed(u.text(COACH, "/assign Ana tempo 40", name="Coach", chat=u.group_chat(GROUP, "Harriers")))
    offer = [c for c in tg.request.sent() if int(c.params["chat_id"]) == ANA][-1]
    accept = next(d for d in _data(offer.params) if d.endswith(":y"))
    await tg.feed(u.button(ANA, accept))
    assert "accepted" in tg.request.texts(GROUP)[-1]
    await tg.feed(u.text(ANA, "/today"))
    assert "From your coach" in tg.request.texts(ANA)[-1] and "Tempo" in tg.request.texts(ANA)[-1]
    with session_scope(engine) as s:
        rec = s.exec(select(Recommendation)).one()
        assert (rec.workout_type, rec.status) == ("tempo", "assigned")


def _data(params: dict) -> list[str]:
    import json

    markup = params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
