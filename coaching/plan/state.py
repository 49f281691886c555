"""Plain-value inputs of the planner and the policy (the lead maps other modules' outputs onto them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coaching.factors import Factor
from coaching.plan.goals import Availability, Constraints, Goal
from coaching.plan.workouts import HARD_DAY_TYPES


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One completed session. ``duration_s`` seconds, ``distance_m`` metres, ``rpe`` CR-10.

    ``sport``: "run", "cross_training", ... ``intensity``: "easy"/"moderate"/"hard"/"race".
    ``workout_type``: a :data:`coaching.plan.workouts.WORKOUT_TYPES` name when known.
    """

    date: date
    sport: str = "run"
    duration_s: float = 0.0
    distance_m: float = 0.0
    rpe: float | None = None
    intensity: str = "easy"
    workout_type: str | None = None
    avg_hr: float | None = None

    @property
    def is_run(self) -> bool:
        return self.sport == "run"

    @property
    def is_hard_day(self) -> bool:
        """Quality session, long run, race, or anything reported at RPE >= 7."""
        return (
            self.intensity in ("hard", "race")
            or (self.workout_type is not None and self.workout_type in HARD_DAY_TYPES)
            or (self.rpe is not None and self.rpe >= 7.0)
        )


@dataclass(frozen=True, slots=True)
class PersonalParams:
    """Per-runner parameters learned by :mod:`coaching.plan.feedback`, already shrunk to the population.

    ``rpe_offset``: reported minus expected CR-10 RPE. ``recovery_days``: days until readiness/feel
    return to baseline after a hard day. ``easy_hr_offset_bpm``: observed minus expected HR at easy
    pace; ``easy_pace_offset_s_per_km``: pace shift (s/km, + = slower) that brings easy HR back into
    the easy zone. ``*_n``: observations behind each estimate.
    """

    rpe_offset: float = 0.0
    rpe_n: int = 0
    recovery_days: float = 2.0
    recovery_n: int = 0
    easy_hr_offset_bpm: float = 0.0
    easy_hr_n: int = 0
    easy_pace_offset_s_per_km: float = 0.0


@dataclass(frozen=True, slots=True)
class RunnerState:
    """Everything the policy needs for ``today``, as plain values.

    Readiness: score 0-100 and band ready/normal/caution/rest; risk: probability 0-1 and band
    low/moderate/high. ``fitness``/``fatigue``/``form``: Banister-style load EWMAs (any consistent
    unit; ``form = fitness - fatigue``). ``acwr``: acute:chronic workload ratio.
    ``longest_run_30d_m``: longest single run in the 30 days before today, metres.
    ``weekly_km_recent``: running km in the four Monday-Sunday weeks before the current week,
    oldest first (calendar weeks keep the week's plan stable from Monday to Sunday).
    ``weekly_km_earlier``: running km of the calendar weeks before those four, oldest first (any
    number; 8 is plenty) — what the runner ran before a break longer than the four-week window.
    ``recent_sessions``: the last 14 days. ``vdot`` (Daniels) or ``threshold_pace_s_per_km``;
    ``hr_max``/``hr_rest`` in bpm. ``pain_days``: consecutive days with pain reported.
    ``illness``: None, "above_neck", "below_neck" or "fever". ``experience``: novice/intermediate/advanced.
    ``running_until``: for a runner with no logged runs before they joined, the day they joined:
    by their own account they were running their usual volume until then (see
    :mod:`coaching.plan.declared`), so breaks are counted from the day before it.
    """

    today: date
    readiness_score: float | None = None
    readiness_band: str | None = None
    readiness_factors: tuple[Factor, ...] = ()
    risk_probability: float | None = None
    risk_band: str | None = None
    risk_factors: tuple[Factor, ...] = ()
    fitness: float | None = None
    fatigue: float | None = None
    form: float | None = None
    acwr: float | None = None
    longest_run_30d_m: float | None = None
    weekly_km_recent: tuple[float, ...] = ()
    weekly_km_earlier: tuple[float, ...] = ()
    recent_sessions: tuple[SessionSummary, ...] = ()
    vdot: float | None = None
    threshold_pace_s_per_km: float | None = None
    hr_max: float | None = None
    hr_rest: float | None = None
    pain_area: str | None = None
    pain_days: int = 0
    pain_sharp: bool = False
    illness: str | None = None
    experience: str = "intermediate"
    goal: Goal = field(default_factory=Goal)
    availability: Availability = field(default_factory=Availability)
    constraints: Constraints = field(default_factory=Constraints)
    personal: PersonalParams | None = None
    running_until: date | None = None
