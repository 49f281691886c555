"""Onboarding on /start: a few skippable questions, one at a time, remembered in the database.

The current step lives on the runner row, so the conversation survives restarts of the bot.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.dialog.keyboards import button
from bot.dialog.turn import Turn
from bot.dialog.types import Button, Incoming, Reply
from bot.handlers.data import small_int
from bot.nlu import parse
from bot.services import onboarding as ob
from bot.services.coach import plan_for
from bot.services.logbook import log_session
from bot.services.profile import apply_goal, parse_clock

NAME, EXPERIENCE, VOLUME, RACE, GOAL, GOAL_DETAILS, DAYS, MINUTES, TIMEZONE, MORNING = (
    "name", "experience", "volume", "race", "goal", "goal_details", "days", "minutes", "timezone", "morning")
STEPS = (NAME, EXPERIENCE, VOLUME, RACE, GOAL, GOAL_DETAILS, DAYS, MINUTES, TIMEZONE, MORNING)
DONE = "done"


def _skip(step: str) -> Button:
    return button("ob_skip", f"ob:{step}:skip")


def _choices(step: str, keys: tuple[str, ...]) -> tuple[Button, ...]:
    return tuple(button(f"ob_{key}", f"ob:{step}:{key}") for key in keys)


def _buttons(turn: Turn, step: str) -> tuple[tuple[Button, ...], ...]:
    if step == NAME and turn.runner.name:
        return ((button("ob_keep_name", f"ob:{NAME}:keep", name=turn.runner.name), _skip(step)),)
    if step == EXPERIENCE:
        return (_choices(step, ("novice", "intermediate", "advanced")), (_skip(step),))
    if step == VOLUME:
        return (_choices(step, ("v0", "v1", "v2", "v3", "v4")), (_skip(step),))
    if step == GOAL:
        return (_choices(step, ("5k", "10k", "half", "marathon")), (*_choices(step, ("fitness",)), _skip(step)))
    if step == DAYS:
        return (_choices(step, ("d3", "d4", "d5", "d7")), (_skip(step),))
    if step == MINUTES:
        return (tuple(button("minutes", f"ob:{step}:{m}", value=m) for m in (30, 45, 60, 90)), (_skip(step),))
    if step == MORNING:
        return (tuple(button("plain", f"ob:{step}:{t}", value=t) for t in ("06:00", "07:00", "08:00")),
                (_skip(step),))
    return ((_skip(step),),)


def ask(turn: Turn, step: str, retry: bool = False) -> Reply:
    """The question of one step, with its buttons."""
    return turn.say(f"onboarding/{step}", buttons=_buttons(turn, step), retry=retry)


def start(turn: Turn) -> list[Reply]:
    """/start: welcome, then the first question (or a welcome back for someone already set up)."""
    if turn.runner.onboarding_step == DONE:
        return [turn.say("onboarding/welcome_back", buttons=((button("ob_restart", "ob:restart:go"),),))]
    turn.runner.onboarding_step = NAME
    return [turn.say("onboarding/welcome"), ask(turn, NAME)]


def active(turn: Turn) -> bool:
    """Whether the runner is in the middle of onboarding."""
    return turn.runner.onboarding_step in STEPS


def _next(turn: Turn, step: str) -> list[Reply]:
    """Move past ``step``: the next question, or the summary when all are answered."""
    following = STEPS[STEPS.index(step) + 1:] if step in STEPS else ()
    for nxt in following:
        if nxt == GOAL_DETAILS and turn.runner.goal_kind != "race":
            continue
        turn.runner.onboarding_step = nxt
        return [ask(turn, nxt)]
    turn.runner.onboarding_step = DONE
    turn.stored.append("profile")
    check = plan_for(turn.session, turn.runner, turn.today)[0].goal_check if turn.runner.goal_kind == "race" else None
    return [turn.say("onboarding/done", gc=check.to_json() if check else None)]


def on_button(turn: Turn, data: str) -> list[Reply]:
    """``ob:<step>:<value>``: a tapped answer (or skip)."""
    _, step, value = [*data.split(":", 2), "", ""][:3]
    if step == "restart":
        turn.runner.onboarding_step = NAME
        return [ask(turn, NAME)]
    if step != turn.runner.onboarding_step:
        return [turn.say("buttons/stale")]
    if value == "skip" or (step == NAME and value == "keep"):
        return _next(turn, step)
    r = turn.runner
    if step == EXPERIENCE and value in ("novice", "intermediate", "advanced"):
        r.experience = value
    elif step == VOLUME and value in ob.VOLUME_BANDS:
        r.weekly_km = ob.VOLUME_BANDS[value]
    elif step == GOAL and value == "fitness":
        r.goal_kind, r.goal_distance_m, r.goal_date, r.goal_time_s = "fitness", None, None, None
    elif step == GOAL and value in ob.GOAL_DISTANCES:
        r.goal_kind, r.goal_distance_m = "race", ob.GOAL_DISTANCES[value]
    elif step == DAYS and value in ob.DAY_PRESETS:
        r.available_days = ob.DAY_PRESETS[value]
    elif step == MINUTES and small_int(value, 3):
        r.available_minutes = small_int(value, 3)
    elif step == MORNING and parse_clock(value):
        r.morning_time = parse_clock(value) or r.morning_time
    else:
        return [turn.say("buttons/stale")]
    return _next(turn, step)


def on_text(turn: Turn, text: str) -> list[Reply]:
    """A typed answer to the current question; unclear answers get the question again."""
    step = turn.runner.onboarding_step or NAME
    if text.strip().lower() in ("skip", "next", "pass", "-"):
        return _next(turn, step)
    if not _apply(turn, step, text.strip()):
        return [ask(turn, step, retry=True)]
    return _next(turn, step)


def on_location(turn: Turn, incoming: Incoming) -> list[Reply]:
    """A shared location sets the time zone (at any time, not only while onboarding)."""
    assert incoming.location is not None
    zone = ob.zone_from_location(*incoming.location)
    if zone is None:
        return [turn.say("profile/setting_invalid", key="timezone", value="📍", error="zone", keys=())]
    turn.runner.time_zone = zone
    turn.stored.append("settings")
    if turn.runner.onboarding_step == TIMEZONE:
        return _next(turn, TIMEZONE)
    return [turn.say("profile/setting_saved", key="timezone")]


def _apply(turn: Turn, step: str, text: str) -> bool:
    r = turn.runner
    if step == NAME:
        if not 0 < len(text) <= 64:
            return False
        r.name = text
    elif step == EXPERIENCE:
        word = text.lower()
        level = next((lv for lv, keys in (("novice", ("new", "novice", "beginner", "just start")),
                                          ("intermediate", ("intermediate", "some", "few", "couple", "casual")),
                                          ("advanced", ("advanced", "experienced", "many years", "decade",
                                                        "competitive", "long time")))
                      if any(k in word for k in keys)), None)
        if level is None:
            return False
        r.experience = level
    elif step == VOLUME:
        km = ob.number_in(text)
        if km is None or not 0 <= km <= 300:
            return False
        r.weekly_km = km * 1.609 if "mi" in text.lower() else km
    elif step == RACE:
        return _recent_race(turn, text)
    elif step in (GOAL, GOAL_DETAILS):
        entities = parse(f"my goal: {text}", tz=turn.tz, now=turn.now).entities
        return apply_goal(r, entities, text, turn.today) in ("race", "fitness")
    elif step == DAYS:
        days = ob.weekdays_in(text)
        n = ob.number_in(text)
        if days is None and n is not None and 1 <= n <= 7:
            days = ob.DAY_PRESETS.get(f"d{int(n)}") or ob.DAY_PRESETS["d5"]
        if days is None:
            return False
        r.available_days = days
    elif step == MINUTES:
        n = ob.number_in(text)
        if n is None or not 10 <= n <= 600:
            return False
        r.available_minutes = int(n * 60 if "h" in text.lower() and n <= 10 else n)
    elif step == TIMEZONE:
        zone = ob.zone_from_text(text)
        if zone is None:
            return False
        r.time_zone = zone
    elif step == MORNING:
        clock = parse_clock(text)
        if clock is None:
            return False
        r.morning_time = clock
    return True


def _recent_race(turn: Turn, text: str) -> bool:
    """'10k in 48:30 in May' -> a race activity the prediction model can use."""
    e = parse(f"raced {text}", tz=turn.tz, now=turn.now).entities
    distance = e.get("distance_m") or e.get("race_distance_m")
    time_s = e.get("duration_s") or e.get("target_time_s")
    if not distance or not time_s:
        return False
    raw_day = e.get("date") or e.get("race_date")
    day = date.fromisoformat(str(raw_day)[:10]) if raw_day else turn.today - timedelta(days=14)
    if day > turn.today:
        day = day.replace(year=day.year - 1)
    logged = log_session(turn.session, turn.runner_id, day, "running", distance_m=float(distance),
                         duration_s=float(time_s), rpe=9.0)
    logged.activity.name = "Race"
    turn.session.add(logged.activity)
    turn.stored.append("activity")
    return True
