"""Handlers for what runners report: runs, other sessions, rest, effort, wellness and metrics."""

from __future__ import annotations

from bot.dialog.keyboards import rpe_keyboard
from bot.dialog.turn import Turn
from bot.dialog.types import Reply
from bot.handlers.common import entity_date
from bot.nlu import ParseResult
from bot.services.logbook import (
    RUNNING_SPORTS,
    hold_running,
    log_session,
    record_checkin,
    release_hold,
    set_effort,
)

RUN_SPORTS = {"run": "running", "running": "running", "trail": "trail", "treadmill": "treadmill"}


def _session_numbers(parsed: ParseResult) -> tuple[float | None, float | None]:
    """Distance (m) and duration (s), completing one from the other and the pace when possible."""
    e = parsed.entities
    distance, duration, pace = e.get("distance_m"), e.get("duration_s"), e.get("pace_s_per_km")
    if duration is None and distance is not None and pace is not None:
        duration = distance / 1000 * pace
    if distance is None and duration is not None and pace is not None:
        distance = duration / pace * 1000
    return distance, duration


def _log(turn: Turn, parsed: ParseResult, sport: str) -> list[Reply]:
    distance, duration = _session_numbers(parsed)
    if distance is None and duration is None:
        return [turn.say("log/need_details", sport=sport)]
    day = entity_date(turn, parsed.entities)
    rpe = parsed.entities.get("rpe")
    logged = log_session(turn.session, turn.runner_id, day, sport, distance_m=distance, duration_s=duration,
                         rpe=rpe, avg_hr=parsed.entities.get("avg_hr"))
    checkin = record_checkin(turn.session, turn.runner_id, turn.today, parsed.entities)
    lifted = False
    on_hold = turn.runner.pain_hold_since is not None
    if on_hold and sport in RUNNING_SPORTS and logged.status == "new" and "pain_area" not in parsed.entities:
        lifted = release_hold(turn.session, turn.runner, turn.today)  # they ran: the hold is over
        if lifted:
            turn.stored.append("pain_hold")
    if logged.status != "duplicate":
        turn.stored.append("activity")
    if checkin is not None:
        turn.stored.append("checkin")
    act = logged.activity
    assert act.id is not None
    buttons = rpe_keyboard(act.id) if act.rpe is None and logged.status != "duplicate" else ()
    pace = act.moving_time_s / (act.distance_m / 1000) if act.moving_time_s and act.distance_m else None
    return [turn.say("log/session_logged", buttons=buttons, activity=act, status=logged.status, pace=pace,
                     running=act.sport in RUNNING_SPORTS, checkin=checkin, is_today=day == turn.today,
                     hold_lifted=lifted)]


def log_run(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """A run told in chat: store it once, ask for RPE when missing."""
    sport = RUN_SPORTS.get(str(parsed.entities.get("sport", "running")), "running")
    return _log(turn, parsed, sport)


def log_other_activity(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Cross-training counts toward load: bike, swim, gym, yoga..."""
    sport = str(parsed.entities.get("sport") or "other")
    if sport in RUN_SPORTS:
        sport = "other"
    return _log(turn, parsed, sport)


def _pain_news(turn: Turn, parsed: ParseResult) -> list[Reply] | None:
    """"No running until my knee is better" (a hold) or "my knee is fine now" (lifts it), with any other
    wellness of the message stored; None when the message says neither."""
    e = parsed.entities
    if e.get("pain_hold") and e.get("pain_area"):
        hold_running(turn.runner, turn.today, str(e["pain_area"]))
        turn.session.add(turn.runner)
        checkin = record_checkin(turn.session, turn.runner_id, turn.today, e)
        turn.stored.extend(("pain_hold", "checkin"))
        return [turn.say("log/pain_hold", area=e["pain_area"], checkin=checkin)]
    if e.get("pain_resolved"):
        lifted = release_hold(turn.session, turn.runner, turn.today)
        checkin = record_checkin(turn.session, turn.runner_id, turn.today, e)
        turn.stored.extend(("pain_hold", "checkin") if lifted else ("checkin",))
        return [turn.say("log/pain_resolved", area=e["pain_resolved"], lifted=lifted, checkin=checkin)]
    return None


def log_rest(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """A rest day: nothing to store but any wellness that came with it."""
    news = _pain_news(turn, parsed)
    if news is not None:
        return news
    checkin = record_checkin(turn.session, turn.runner_id, turn.today, parsed.entities)
    if checkin is not None:
        turn.stored.append("checkin")
    return [turn.say("log/rest_logged", checkin=checkin)]


def report_rpe(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Effort of the last session, 1-10."""
    rpe = parsed.entities.get("rpe")
    if rpe is None:
        return [turn.say("log/rpe_unclear")]
    act = set_effort(turn.session, turn.runner_id, turn.today, rpe=float(rpe))
    if act is None:
        return [turn.say("log/rpe_no_session", rpe=rpe)]
    turn.stored.append("rpe")
    return [turn.say("log/rpe_saved", activity=act, rpe=rpe)]


def report_checkin(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Sleep, soreness, fatigue, stress, mood, illness, pain, HRV, resting HR, weight."""
    news = _pain_news(turn, parsed)
    if news is not None:
        return news
    day = entity_date(turn, parsed.entities)
    checkin = record_checkin(turn.session, turn.runner_id, day, parsed.entities)
    if checkin is None:
        return [turn.say("log/checkin_unclear")]
    turn.stored.append("checkin")
    return [turn.say("log/checkin_saved", checkin=checkin, entities=parsed.entities, day=day)]
