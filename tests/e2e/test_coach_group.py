"""A coach group through the real bot: added to a group, /join, private consent, /team, /leave."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.tables import CoachGroup, Consent
from tests.e2e.harness import BotProcess, Person, no_apology
from tests.fakebot import FakeTelegram

pytestmark = pytest.mark.e2e


def test_coach_group_consent_team_leave(fake: FakeTelegram, bot: BotProcess, db: Engine) -> None:
    coach, ana, ben = (Person(fake, bot, name) for name in ("Coach", "Ana", "Ben"))
    group = fake.group("Harriers", bot_member=False)
    for person in (coach, ana, ben):
        person.sync(group)
    seen = []

    fake.add_bot_to_group(coach.user, group)
    (welcome,) = coach.expect(chat=group)
    assert "privately" in welcome.content
    for p in (ana, ben):
        p.sync(group)
        p.seen[group.id] += 1
    with Session(db) as s:
        registered = s.exec(select(CoachGroup)).one()
        assert (registered.chat_id, registered.coach_user_id, registered.title) == (group.id, coach.id, "Harriers")

    seen += ana.say("ran 10 km in 50 min rpe 6") + ben.say("ran 5 km in 24 min rpe 8")

    # /join in the group: a pointer in the group, the consent question in private
    for p in (ana, ben):
        (pointer,) = p.say("/join", chat=group)
        for other in (coach, ana, ben):
            if other is not p:
                other.seen[group.id] += 1
        (question,) = p.expect()
        assert "summary" in question.content.lower()
        assert {d.split(":")[2] for d in question.button_data} == {"summary", "wellness", "no"}
        seen += [pointer, question]
        if p is ana:
            ana_question = question

    # Ana agrees to share a summary; Ben never answers
    (saved,) = ana.tap(ana_question, f"consent:{registered.id}:summary")
    (announce,) = coach.expect(chat=group)
    ana.seen[group.id] += 1
    ben.seen[group.id] += 1
    assert "Ana" in announce.content
    seen += [saved, announce]

    (team,) = coach.say("/team", chat=group)
    ana.seen[group.id] += 1
    ben.seen[group.id] += 1
    assert "Ana" in team.content and "10.0 km" in team.content
    assert "Ben" not in team.content, "a member who has not consented is invisible"

    with Session(db) as s:
        scopes = sorted(c.scope for c in s.exec(select(Consent)))
    assert scopes == ["pending", "summary"]

    # plain chatter is not the bot's to read (privacy mode) and gets no answer
    fake.send_text(ana.user, "anyone up for a long run on Sunday?", group)

    (left,) = ana.say("/leave", chat=group)
    coach.seen[group.id] += 1
    ben.seen[group.id] += 1
    with Session(db) as s:
        assert s.exec(select(Consent).where(Consent.scope != "pending")).all() == []
    (team,) = coach.say("/team", chat=group)
    assert "Ana" not in team.content and "Ben" not in team.content
    ana.seen[group.id] += 1
    ben.seen[group.id] += 1
    seen += [left, team]
    no_apology(seen)
    for p in (coach, ana, ben):
        assert p.unread() == [] and p.unread(group) == [], p.user.first_name
