"""Does the plan reach the training the goal race needs before the taper, and if not, what would?

The plan grows volume only as fast as the safety gates allow (:mod:`coaching.plan.periodisation`),
so a runner on 12 km a week with a marathon 16 weeks away gets a safe plan that arrives under-built.
A coach says so at once instead of letting race day find out. The check compares the plan's own
numbers, nothing else:

* ``peak_km``: the highest planned week before the taper; ``need_km``: the weekly volume the plan
  builds to before this distance for a novice (``NEED_KM``, from ``PEAK_KM[...]["novice"]``) — the
  least the distance asks of anyone (more experienced runners' plans aim higher, but reaching this
  is what finishing the distance in good shape takes);
* ``longest_km``: the longest planned run before the taper; ``long_need_km``: ``LONG_NEED_SHARE`` of
  the race distance (about 60 % of a marathon, 75 % of a half, the whole of a 10 km or 5 km — the
  long runs the usual plans reach before race day: Higdon's novice plans, Pfitzinger & Douglas);
  checked for the marathon and the half only (``CHECKED``), and only for a runner with runs in the
  last twelve weeks: without them the plan starts from a beginner's floor and says nothing about
  the runner;
* verdict: ``on_track`` when both reach ``ON_TRACK`` (85 %) of their need, ``far`` when either is
  under ``FAR`` (60 %), else ``short``;
* what holds it back (``limits``): ``minutes`` when the runner's available minutes cannot hold
  ``ON_TRACK`` of the need at easy pace (the week, or the long run on the long-run day); ``weeks``
  when the plan stops short of what the minutes would hold (too few weeks to the race at a safe
  growth rate);
* ``ready_by`` (when only weeks are the limit): the earliest race date on which the same gates would
  reach ``ON_TRACK`` of both needs, with the usual peak weeks and taper after it — the plan for a
  race a year away, followed week by week;
* ``shorter``: the longest shorter race (half, 10 km, 5 km) whose needs the plan does reach.

Distances in km, volumes in km per week.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from coaching.factors import Factor
from coaching.plan.goals import Goal
from coaching.plan.periodisation import (
    MAX_RUNS,
    PEAK_KM,
    PEAK_WEEKS,
    TAPER_DAYS,
    Plan,
    PlanWeek,
    build_plan,
    distance_class,
    easy_pace,
    monday,
)
from coaching.plan.state import RunnerState
from coaching.plan.workouts import LONG_PACE_FACTOR

ON_TRACK = 0.85
FAR = 0.60
# The plan is held back by the weeks left when its peak stays under this share of what the runner's
# minutes (or the distance) would take.
TIME_BOUND = 0.95
# What a distance asks for (km a week at the peak, and the longest run as a share of the race): the
# marathon's and the half's are the plan's own novice goal volumes (PEAK_KM); beginners' 10 km and
# 5 km plans peak around 20 and 15 km a week with long runs of 80 % and 100 % of the distance.
NEED_KM = {
    "marathon": PEAK_KM["marathon"]["novice"],
    "half": PEAK_KM["half"]["novice"],
    "10k": 20.0,
    "5k": 15.0,
}
LONG_NEED_SHARE = {"marathon": 0.6, "half": 0.75, "10k": 0.8, "5k": 1.0}
RACE_KM = {"marathon": 42.195, "half": 21.0975, "10k": 10.0, "5k": 5.0}
LOOKAHEAD_WEEKS = 60
# Races whose training is checked: the long ones, where arriving under-built is the usual failure.
CHECKED = ("marathon", "half")
SHORTER = {"marathon": ("half", "10k", "5k"), "half": ("10k", "5k"), "10k": ("5k",), "5k": ()}
BUILD_PHASES = ("base", "build", "peak")


@dataclass(frozen=True, slots=True)
class GoalCheck:
    """Whether the plan reaches the goal race's training volume before the taper (km per week)."""

    distance: str  # marathon / half
    verdict: str  # on_track / short / far
    peak_km: float
    need_km: float
    capacity_km: float
    longest_km: float
    long_need_km: float
    long_capacity_km: float
    limits: tuple[str, ...]  # "weeks", "minutes"; empty when on track
    ready_by: date | None
    shorter: str | None  # half / 10k / 5k
    factors: tuple[Factor, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "distance": self.distance,
            "verdict": self.verdict,
            "peak_km": round(self.peak_km, 1),
            "need_km": round(self.need_km, 1),
            "capacity_km": round(self.capacity_km, 1),
            "longest_km": round(self.longest_km, 1),
            "long_need_km": round(self.long_need_km, 1),
            "long_capacity_km": round(self.long_capacity_km, 1),
            "limits": list(self.limits),
            "ready_by": self.ready_by.isoformat() if self.ready_by else None,
            "shorter": self.shorter,
            "factors": [
                {"key": f.key, "value": f.value, "unit": f.unit, "contribution": f.contribution}
                for f in self.factors
            ],
        }


def weekly_capacity_km(state: RunnerState) -> tuple[float, float]:
    """(km a week, km of the longest run) the runner's usual available minutes hold at easy pace
    (days of 15+ minutes, at most the experience's runs a week)."""
    pace = easy_pace(state)
    start = monday(state.today)
    minutes = sorted(
        (
            m
            for m in (state.availability.minutes_on(start + timedelta(days=i)) for i in range(7))
            if m >= 15.0
        ),
        reverse=True,
    )
    runs = MAX_RUNS.get(state.experience, MAX_RUNS["intermediate"])
    week = sum(minutes[:runs]) * 60.0 / pace
    longest = (minutes[0] if minutes else 0.0) * 60.0 / (pace * LONG_PACE_FACTOR)
    return week, longest


def _build_peak(weeks: list[PlanWeek]) -> tuple[float, float]:
    """(highest planned week, longest planned run) of ``weeks``, km."""
    peak = max((w.planned_km for w in weeks), default=0.0)
    longest = max((s.distance_km for w in weeks for s in w.sessions if s.type != "race"), default=0.0)
    return peak, longest


def _reaches(peak: float, longest: float, cls: str, share: float) -> bool:
    return peak >= share * NEED_KM[cls] and longest >= share * LONG_NEED_SHARE[cls] * RACE_KM[cls]


def _ready_by(state: RunnerState) -> date | None:
    """Earliest race date (a Sunday) on which the plan's gates reach ``ON_TRACK`` of both needs."""
    goal = state.goal
    assert goal.distance_m is not None
    far = monday(state.today) + timedelta(days=7 * LOOKAHEAD_WEEKS + 6)
    cls = distance_class(goal)
    long_plan = build_plan(replace(state, goal=Goal.race(goal.distance_m, far)), weeks=LOOKAHEAD_WEEKS)
    for k in range(len(long_plan.weeks)):
        if _reaches(*_build_peak(list(long_plan.weeks[: k + 1])), cls, ON_TRACK):
            # the weeks at that level become the peak block, then the taper and the race
            taper_weeks = -(-TAPER_DAYS[cls] // 7)
            return long_plan.weeks[k].start + timedelta(days=7 * (PEAK_WEEKS[cls] + taper_weeks) - 1)
    return None


def check_goal(state: RunnerState, plan: Plan) -> GoalCheck | None:
    """How far ``plan`` (built from ``state``) gets toward what its race asks for; None without a
    marathon or half-marathon goal or when the race is already inside the taper."""
    goal = state.goal
    if not goal.is_race or goal.race_date is None or goal.distance_m is None:
        return None
    cls = distance_class(goal)
    if cls not in CHECKED or (goal.race_date - state.today).days < TAPER_DAYS[cls]:
        return None
    if not any(state.weekly_km_recent) and not any(state.weekly_km_earlier):
        return None  # nothing run in twelve weeks: the plan's numbers would say nothing about the runner
    need = NEED_KM[cls]
    long_need = LONG_NEED_SHARE[cls] * RACE_KM[cls]
    capacity, long_capacity = weekly_capacity_km(state)
    peak, longest = _build_peak([w for w in plan.weeks if w.phase in BUILD_PHASES])
    ratio = min(peak / need, longest / long_need)
    verdict = "on_track" if ratio >= ON_TRACK else "short" if ratio >= FAR else "far"
    limits: tuple[str, ...] = ()
    ready: date | None = None
    shorter: str | None = None
    if verdict != "on_track":
        short_of_minutes = capacity < ON_TRACK * need or long_capacity < ON_TRACK * long_need
        short_of_weeks = (peak < ON_TRACK * need and peak < TIME_BOUND * capacity) or (
            longest < ON_TRACK * long_need and longest < TIME_BOUND * long_capacity
        )
        limits = tuple(k for k, hit in (("weeks", short_of_weeks), ("minutes", short_of_minutes)) if hit)
        if limits == ("weeks",):
            ready = _ready_by(state)
        shorter = next((c for c in SHORTER[cls] if _reaches(peak, longest, c, ON_TRACK)), None)
    weeks_to_race = (monday(goal.race_date) - monday(state.today)).days // 7
    factors = (
        Factor("plan_peak_km", round(peak, 1), "km/week", round(peak - need, 1), detail={"need": need}),
        Factor(
            "longest_run_km",
            round(longest, 1),
            "km",
            round(longest - long_need, 1),
            detail={"need": long_need},
        ),
        Factor("capacity_km", round(capacity, 1), "km/week", round(min(0.0, capacity - need), 1)),
        Factor(
            "long_run_capacity_km",
            round(long_capacity, 1),
            "km",
            round(min(0.0, long_capacity - long_need), 1),
        ),
        Factor("weeks_to_race", float(weeks_to_race), "weeks", 0.0),
    )
    return GoalCheck(
        cls, verdict, peak, need, capacity, longest, long_need, long_capacity, limits, ready, shorter, factors
    )
