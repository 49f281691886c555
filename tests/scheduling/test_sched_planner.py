"""The planner: idempotent rows, re-planning on zone/time changes, groups, who gets what."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sched_helpers import add_group, add_runner, update_runner
from sqlalchemy import Engine

from bot.scheduling.planner import PlanConfig, evening_checkin_wanted, plan, wanted_rows
from models import outbox
from models.db import session_scope
from models.tables import Activity, Recommendation


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def run_plan(engine: Engine, now: datetime, config: PlanConfig = PlanConfig()):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return plan(s, now, config)


def all_rows(engine: Engine, **kw):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return outbox.rows(s, **kw)


def test_plans_morning_and_evening_once(engine: Engine) -> None:
    rid = add_runner(engine, "ana", tz="Europe/Berlin", morning="06:30", evening="19:15")
    now = utc(2026, 3, 12, 4)  # Thursday, 05:00 in Berlin
    first = run_plan(engine, now)
    second = run_plan(engine, now)
    assert (first.inserted, second.inserted, second.replanned) == (2, 0, 0)
    rows = {r.kind: r for r in all_rows(engine, target_id=rid)}
    assert set(rows) == {"morning", "evening"}
    assert rows["morning"].due_at == utc(2026, 3, 12, 5, 30)
    assert rows["evening"].due_at == utc(2026, 3, 12, 18, 15)
    assert rows["morning"].local_date == date(2026, 3, 12)
    assert rows["morning"].expires_at == utc(2026, 3, 12, 23)  # Berlin midnight
    assert rows["morning"].status == "pending" and rows["morning"].time_zone == "Europe/Berlin"


def test_sunday_adds_weekly_and_groups_get_a_digest(engine: Engine) -> None:
    rid = add_runner(engine, "ben", tz="America/New_York")
    gid = add_group(engine)
    now = utc(2026, 3, 15, 12)  # Sunday
    run_plan(engine, now, PlanConfig(default_time_zone="Europe/London"))
    kinds = {(r.target_kind, r.target_id, r.kind): r for r in all_rows(engine)}
    assert ("runner", rid, "weekly") in kinds
    assert kinds[("runner", rid, "weekly")].due_at == utc(2026, 3, 16, 0)  # 20:00 EDT
    digest = kinds[("group", gid, "digest")]
    assert digest.due_at == utc(2026, 3, 15, 18) and digest.chat_id == -100123


def test_paused_inactive_and_chatless_runners_get_nothing(engine: Engine) -> None:
    add_runner(engine, "p", paused=True)
    add_runner(engine, "i", active=False)
    with session_scope(engine) as s:
        from models.tables import Runner
        s.add(Runner(external_id="console:c", chat_id=None))
    assert run_plan(engine, utc(2026, 3, 12, 5)).inserted == 0


def test_ten_time_zones_each_get_their_own_local_day(engine: Engine) -> None:
    zones = ["UTC", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
             "Pacific/Auckland", "America/Los_Angeles", "America/New_York", "America/Sao_Paulo"]
    ids = {z: add_runner(engine, z.replace("/", "_"), tz=z) for z in zones}
    now = utc(2026, 3, 12, 12)
    run_plan(engine, now)
    mornings = {r.target_id: r for r in all_rows(engine, kind="morning")}
    assert len(mornings) == 10
    for z, rid in ids.items():
        r = mornings[rid]
        assert r.local_date == now.astimezone(ZoneInfo(z)).date()
        assert r.due_at.astimezone(ZoneInfo(z)).time() == time(7)
    assert mornings[ids["Pacific/Auckland"]].local_date == date(2026, 3, 13)


def test_zone_change_mid_day_replans_pending_and_keeps_sent(engine: Engine) -> None:
    rid = add_runner(engine, "cy", tz="Europe/London")
    run_plan(engine, utc(2026, 3, 12, 5))  # 05:00 London: morning due 07:00 UTC
    update_runner(engine, rid, time_zone="America/New_York")
    rep = run_plan(engine, utc(2026, 3, 12, 6))
    assert rep.inserted == 0 and rep.replanned == 2
    rows = {r.kind: r for r in all_rows(engine, target_id=rid)}
    assert len(all_rows(engine, target_id=rid)) == 2
    assert rows["morning"].due_at == utc(2026, 3, 12, 11)  # 07:00 EDT
    assert rows["evening"].due_at == utc(2026, 3, 13, 0)  # 20:00 EDT
    assert rows["morning"].time_zone == "America/New_York"
    # the morning goes out; then the runner moves on to Los Angeles: sent stays sent, evening follows
    with session_scope(engine) as s:
        claimed = outbox.claim_due(engine, "w", utc(2026, 3, 12, 11, 1), lease=timedelta(
            minutes=2), limit=10)
        assert [c.kind for c in claimed] == ["morning"]
        assert outbox.mark_sent(s, claimed[0].id, "w", utc(2026, 3, 12, 11, 1))  # type: ignore[arg-type]
    update_runner(engine, rid, time_zone="America/Los_Angeles")
    run_plan(engine, utc(2026, 3, 12, 12))
    rows = {r.kind: r for r in all_rows(engine, target_id=rid)}
    assert len(all_rows(engine, target_id=rid)) == 2
    assert rows["morning"].status == "sent" and rows["morning"].due_at == utc(2026, 3, 12, 11)
    assert rows["evening"].due_at == utc(2026, 3, 13, 3)  # 20:00 PDT


def test_morning_time_change_replans_only_until_due(engine: Engine) -> None:
    rid = add_runner(engine, "dee", morning="09:00")
    run_plan(engine, utc(2026, 3, 12, 6))
    update_runner(engine, rid, morning_time="06:30")  # now earlier than "now": due at once, still one row
    run_plan(engine, utc(2026, 3, 12, 8))
    (m,) = all_rows(engine, target_id=rid, kind="morning")
    assert m.due_at == utc(2026, 3, 12, 6, 30)
    update_runner(engine, rid, morning_time="10:00")  # already due: left alone (it is being sent)
    run_plan(engine, utc(2026, 3, 12, 8, 1))
    (m,) = all_rows(engine, target_id=rid, kind="morning")
    assert m.due_at == utc(2026, 3, 12, 6, 30)


def test_moving_west_across_midnight_does_not_bring_back_a_morning(engine: Engine) -> None:
    rid = add_runner(engine, "eve", tz="Asia/Tokyo")
    now = utc(2026, 3, 11, 22, 30)  # 07:30 on the 12th in Tokyo: the morning is due (and goes out)
    run_plan(engine, now)
    assert [r.local_date for r in all_rows(engine, target_id=rid, kind="morning")] == [date(2026, 3, 12)]
    update_runner(engine, rid, time_zone="Europe/London")  # 22:30 on the 11th in London
    rep = run_plan(engine, utc(2026, 3, 11, 22, 40))
    assert rep.skipped_backwards == 2 and rep.inserted == 0
    assert [r.local_date for r in all_rows(engine, target_id=rid, kind="morning")] == [date(2026, 3, 12)]


def test_pending_row_for_a_later_day_follows_the_new_zone(engine: Engine) -> None:
    rid = add_runner(engine, "fox", tz="Asia/Tokyo")
    run_plan(engine, utc(2026, 3, 11, 20))  # 05:00 on the 12th in Tokyo: morning pending (22:00 UTC)
    update_runner(engine, rid, time_zone="Europe/London")  # the 12th in London starts later
    run_plan(engine, utc(2026, 3, 11, 20, 10))
    (m,) = all_rows(engine, target_id=rid, kind="morning")
    assert m.local_date == date(2026, 3, 12) and m.due_at == utc(2026, 3, 12, 7)


def test_chat_change_follows_pending_rows(engine: Engine) -> None:
    rid = add_runner(engine, "gil", chat_id=111)
    run_plan(engine, utc(2026, 3, 12, 5))
    update_runner(engine, rid, chat_id=222)
    run_plan(engine, utc(2026, 3, 12, 5, 1))
    assert {r.chat_id for r in all_rows(engine, target_id=rid)} == {222}


def test_wanted_rows_is_pure() -> None:
    class R:
        id, chat_id, time_zone, morning_time, evening_time = 1, 5, "Bad/Zone", "nonsense", None

    rows = wanted_rows([R()], [], utc(2026, 3, 12, 12), PlanConfig(default_time_zone="Asia/Tokyo"))
    assert {r["kind"] for r in rows} == {"morning", "evening"}
    assert rows[0]["time_zone"] == "Asia/Tokyo" and rows[0]["due_at"] == utc(2026, 3, 11, 22)


def test_evening_checkin_wanted(engine: Engine) -> None:
    rid = add_runner(engine, "hal")
    day = date(2026, 3, 12)
    with session_scope(engine) as s:
        assert not evening_checkin_wanted(s, rid, day)
        s.add(Recommendation(runner_id=rid, local_date=day, workout_type="easy", status="done"))
        s.flush()
        assert not evening_checkin_wanted(s, rid, day)
        s.add(Activity(runner_id=rid, local_date=day, sport="running", origin="chat", fingerprint="x", rpe=None))
        s.flush()
        assert evening_checkin_wanted(s, rid, day)
        assert not evening_checkin_wanted(s, rid, date(2026, 3, 13))
        s.add(Recommendation(runner_id=rid, local_date=date(2026, 3, 13), workout_type="easy"))
        s.flush()
        assert evening_checkin_wanted(s, rid, date(2026, 3, 13))


def test_a_runner_who_joins_in_the_afternoon_gets_no_good_morning_until_tomorrow(engine: Engine) -> None:
    joined = utc(2026, 3, 12, 16, 40)  # Thursday, 17:40 in Berlin: this morning's 06:30 is gone
    rid = add_runner(engine, "late", tz="Europe/Berlin", morning="06:30", evening="19:15", created_at=joined)
    early = add_runner(engine, "early", tz="Europe/Berlin", morning="06:30", created_at=utc(2026, 3, 11, 9))
    run_plan(engine, joined + timedelta(minutes=1))
    today = {(r.target_id, r.kind) for r in all_rows(engine)}
    assert (rid, "morning") not in today and (rid, "evening") in today
    assert (early, "morning") in today  # was already here this morning: the bot catches up after downtime
    run_plan(engine, utc(2026, 3, 13, 4))  # Friday 05:00 in Berlin
    friday = [r for r in all_rows(engine, target_id=rid) if r.local_date == date(2026, 3, 13)]
    assert {r.kind for r in friday} == {"morning", "evening"}


def test_a_group_added_after_the_digest_time_gets_its_first_digest_the_next_day(engine: Engine) -> None:
    gid = add_group(engine, created_at=utc(2026, 3, 12, 19))
    run_plan(engine, utc(2026, 3, 12, 19, 5), PlanConfig(default_time_zone="Europe/London"))
    assert not [r for r in all_rows(engine) if r.target_id == gid and r.kind == "digest"]
    run_plan(engine, utc(2026, 3, 13, 9), PlanConfig(default_time_zone="Europe/London"))
    assert [r.local_date for r in all_rows(engine) if r.target_id == gid] == [date(2026, 3, 13)]
