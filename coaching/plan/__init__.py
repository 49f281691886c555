"""Training plan and today's workout, explained, with the feedback loop that personalises it.

Entry points: :func:`recommend_today` and :func:`build_plan` (module :mod:`coaching.plan.today`).
"""

from coaching.plan.goals import Availability, Constraints, Goal
from coaching.plan.periodisation import Plan, PlannedSession, PlanWeek
from coaching.plan.policy import Recommendation
from coaching.plan.state import PersonalParams, RunnerState, SessionSummary
from coaching.plan.today import build_plan, recommend_today
from coaching.plan.workouts import Step, Workout

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
