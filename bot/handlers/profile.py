"""Handlers for goals, availability, settings and pausing the coach's messages."""

from __future__ import annotations

from datetime import date

from bot.dialog.turn import Turn
from bot.dialog.types import Reply
from bot.handlers.common import entity_date
from bot.nlu import ParseResult
from bot.services.coach import plan_for
from bot.services.profile import (
    WEEKDAYS,
    apply_goal,
    next_weekday,
    parse_clock,
    parse_time_zone,
    set_day_constraint,
)

EXPERIENCE = ("novice", "intermediate", "advanced")


def set_goal(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """A race (distance, date, target time) or general fitness."""
    outcome = apply_goal(turn.runner, parsed.entities, turn.text, turn.today)
    if outcome == "none":
        return [turn.say("profile/goal_show")]
    if outcome == "past":
        raw = parsed.entities.get("race_date") or parsed.entities.get("date")
        return [turn.say("profile/goal_past", day=date.fromisoformat(str(raw)[:10]))]
    turn.session.add(turn.runner)
    turn.stored.append("goal")
    check = plan_for(turn.session, turn.runner, turn.today)[0].goal_check if outcome == "race" else None
    return [turn.say("profile/goal_set", gc=check.to_json() if check else None)]


def set_availability(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Time limits ('only 40 min today'), days off and travel."""
    e = parsed.entities
    changed: list[tuple[str, object]] = []
    minutes = e.get("available_minutes")
    if minutes is not None:
        if e.get("date") is not None:
            day = entity_date(turn, e) if str(e["date"]) <= turn.today.isoformat() else date.fromisoformat(
                str(e["date"])[:10])
            set_day_constraint(turn.session, turn.runner_id, day, max_minutes=int(minutes))
            changed.append(("cap_day", (day, int(minutes))))
        else:
            turn.runner.available_minutes = int(minutes)
            changed.append(("cap_daily", int(minutes)))
    for item in e.get("unavailable_days") or []:
        away = _to_date(turn, str(item))
        if away is not None:
            set_day_constraint(turn.session, turn.runner_id, away, unavailable=True)
            changed.append(("off", away))
    if not changed:
        return [turn.say("profile/availability_unclear")]
    turn.stored.append("availability")
    return [turn.say("profile/availability_set", changed=changed)]


def _to_date(turn: Turn, item: str) -> date | None:
    try:
        return date.fromisoformat(item[:10])
    except ValueError:
        return next_weekday(turn.today, item)


SETTING_KEYS = ("timezone", "morning", "evening", "name", "hrmax", "hrrest", "sex", "experience", "days",
                "minutes", "longrun", "weekly")


def settings(turn: Turn, arg: str = "") -> list[Reply]:
    """/settings shows everything; '/settings KEY VALUE' changes one thing."""
    key, _, value = arg.strip().partition(" ")
    key = key.lower().replace("_", "").replace("-", "")
    if not key:
        return [turn.say("profile/settings")]
    if key in ("tz", "zone", "time"):
        key = "timezone"
    error = _apply_setting(turn, key, value.strip())
    if error:
        return [turn.say("profile/setting_invalid", key=key, value=value, error=error, keys=SETTING_KEYS)]
    turn.stored.append("settings")
    return [turn.say("profile/setting_saved", key=key)]


def _apply_setting(turn: Turn, key: str, value: str) -> str | None:
    r = turn.runner
    if key == "timezone":
        zone = parse_time_zone(value)
        if zone is None:
            return "zone"
        r.time_zone = zone
    elif key in ("morning", "evening"):
        clock = parse_clock(value)
        if clock is None:
            return "clock"
        setattr(r, f"{key}_time", clock)
    elif key == "name":
        if not value or len(value) > 64:
            return "name"
        r.name = value
    elif key in ("hrmax", "hrrest", "weekly", "minutes"):
        bounds = {"hrmax": (120, 230), "hrrest": (25, 110), "weekly": (0, 300), "minutes": (10, 600)}[key]
        try:
            number = float(value.split()[0])
        except (ValueError, IndexError):
            return "number"
        if not bounds[0] <= number <= bounds[1]:
            return "range"
        attr = {"hrmax": "hr_max", "hrrest": "hr_rest", "weekly": "weekly_km", "minutes": "available_minutes"}[key]
        setattr(r, attr, int(number) if key == "minutes" else number)
    elif key == "sex":
        if value.lower()[:1] not in ("f", "m"):
            return "sex"
        r.sex = value.lower()[:1]
    elif key == "experience":
        if value.lower() not in EXPERIENCE:
            return "experience"
        r.experience = value.lower()
    elif key == "days":
        days = [d.strip().lower()[:3] for d in value.replace(",", " ").split()]
        if not days or any(d not in WEEKDAYS for d in days):
            return "days"
        r.available_days = ",".join(d for d in WEEKDAYS if d in days)
    elif key == "longrun":
        if value.lower()[:3] not in WEEKDAYS:
            return "days"
        r.long_run_day = value.lower()[:3]
    else:
        return "key"
    turn.session.add(r)
    return None


def pause(turn: Turn, arg: str = "") -> list[Reply]:
    """Stop all scheduled messages."""
    turn.runner.paused = True
    turn.stored.append("paused")
    return [turn.say("profile/paused")]


def resume(turn: Turn, arg: str = "") -> list[Reply]:
    """Restart scheduled messages."""
    turn.runner.paused = False
    turn.stored.append("resumed")
    return [turn.say("profile/resumed")]
