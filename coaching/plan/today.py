"""One entry point: today's recommendation and the plan, from a :class:`RunnerState`.

Inputs are plain values (see :mod:`coaching.plan.state`); the bot maps the readiness, risk and
prediction modules' outputs onto them.
"""

from __future__ import annotations

from dataclasses import replace

from coaching.plan.goal_check import check_goal
from coaching.plan.periodisation import Plan
from coaching.plan.periodisation import build_plan as _build_plan
from coaching.plan.policy import Recommendation, recommend
from coaching.plan.state import RunnerState


def recommend_today(state: RunnerState) -> Recommendation:
    """Today's workout for ``state`` with reasons (Factors) and machine-readable ``would_change``."""
    return recommend(state)


def build_plan(state: RunnerState, weeks: int | None = None, *, goal_check: bool = True) -> Plan:
    """The periodised plan from the current week (to the race and its recovery, else 12 weeks), with
    (``goal_check``) a check of whether it reaches the race's training volume in time
    (:mod:`coaching.plan.goal_check`)."""
    plan = _build_plan(state, weeks)
    return replace(plan, goal_check=check_goal(state, plan)) if goal_check else plan
