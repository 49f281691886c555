"""Handlers for what runners ask the coach: today, why, plan, risk, progress, prediction."""

from __future__ import annotations

from bot.dialog.turn import Turn
from bot.dialog.types import Reply
from bot.handlers.common import future_date
from bot.nlu import ParseResult
from bot.services.coach import advise, plan_for
from bot.services.morning import today_reply
from bot.services.prediction import predict_with_trend
from bot.services.progress import progress_for
from models.queries import latest_recommendation

# Days ahead a question like "what's tomorrow's workout?" is answered from the plan.
DAY_AHEAD_DAYS = 13


def _day_ahead(turn: Turn, parsed: ParseResult) -> list[Reply] | None:
    """The plan's session on the day asked about, when that day is ahead; None otherwise."""
    day = future_date(turn, parsed.entities, DAY_AHEAD_DAYS)
    if day is None:
        return None
    plan_, _ = plan_for(turn.session, turn.runner, turn.today, goal_check=False)
    session, week = plan_.session_on(day), plan_.week_of(day)
    return [turn.say("coach/day_ahead", day=day, session=session.to_json() if session else None,
                     phase=week.phase if week else None)]


def today(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Today's workout, readiness, the reasons and what would change it (or a later day's plan)."""
    return _day_ahead(turn, parsed) or [today_reply(turn.session, turn.runner, turn.today)]


def why(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """The factors and numbers behind the last recommendation."""
    rec = latest_recommendation(turn.session, turn.runner_id)
    if rec is None:
        return [turn.say("coach/why", p=None, day=turn.today)]
    return [turn.say("coach/why", p=rec.payload, day=rec.local_date)]


def plan(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """This week's sessions and the shape of the weeks ahead (or one day's, when asked about a day)."""
    ahead = _day_ahead(turn, parsed)
    if ahead is not None:
        return ahead
    plan_, advice = plan_for(turn.session, turn.runner, turn.today)
    return [turn.say("coach/plan", plan=plan_.to_json(), p=advice.to_json(), day=turn.today)]


def risk(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Injury risk for the coming week: band, top factors, the change that lowers it most."""
    advice = advise(turn.session, turn.runner, turn.today)
    return [turn.say("coach/risk", p=advice.to_json())]


def progress(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Charts of the last 12 weeks, each with its text summary."""
    from bot import charts  # matplotlib loads only when a chart is asked for

    data = progress_for(turn.session, turn.runner, turn.today)
    if not data.has_data:
        return [turn.say("coach/progress_empty")]
    return [
        turn.say("coach/progress_fitness", image=charts.fitness_chart(data.days, data.fitness, data.fatigue, data.form),
                 d=data),
        turn.say("coach/progress_volume", image=charts.volume_chart(data.week_starts, data.week_km), d=data),
        turn.say("coach/progress_readiness", image=charts.readiness_chart(data.days, data.readiness), d=data),
    ]


def prediction(turn: Turn, parsed: ParseResult) -> list[Reply]:
    """Race time with a range, its basis, what would improve it, and an honest look at a goal time."""
    e = parsed.entities
    distance = e.get("race_distance_m") or turn.runner.goal_distance_m
    target = e.get("target_time_s") or (turn.runner.goal_time_s if distance == turn.runner.goal_distance_m else None)
    result, trend = predict_with_trend(turn.session, turn.runner, turn.today, float(distance) if distance else None,
                                       float(target) if target else None)
    if trend is None or len(trend.days) < 2:
        return [turn.say("coach/prediction", r=result)]
    from bot import charts

    image = charts.prediction_chart(trend.days, trend.time_s, trend.low_s, trend.high_s,
                                    float(target) if target else None)
    return [turn.say("coach/prediction", r=result, image=image)]
