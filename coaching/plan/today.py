"""One entry point: today's recommendation and the plan, from a :class:`RunnerState`.

Inputs are plain values (see :mod:`coaching.plan.state`); the lead maps the readiness, risk and
prediction modules' outputs onto them.
"""

from __future__ import annotations

from coaching.plan.goals import Availability, Constraints, Goal
from coaching.plan.periodisation import Plan, PlannedSession, PlanWeek
from coaching.plan.periodisation import build_plan as _build_plan
from coaching.plan.policy import Recommendation, recommend
from coaching.plan.state import PersonalParams, RunnerState, SessionSummary
from coaching.plan.workouts import Step, Workout


def recommend_today(state: RunnerState) -> Recommendation:
    """Today's workout for ``state`` with reasons (Factors) and machine-readable ``would_change``."""
    return recommend(state)


def build_plan(state: RunnerState, weeks: int | None = None) -> Plan:
    """The periodised plan from the current week (to the race and its recovery, else 12 weeks)."""
    return _build_plan(state, weeks)


__all__ = [
    "Availability",
    "Constraints",
    "Goal",
    "PersonalParams",
    "Plan",
    "PlanWeek",
    "PlannedSession",
    "Recommendation",
    "RunnerState",
    "SessionSummary",
    "Step",
    "Workout",
    "build_plan",
    "recommend_today",
]
