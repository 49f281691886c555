"""A periodised plan toward the goal: base, build, peak, taper, race, recovery.

The plan is recomputed from the runner's *actual* recent training every time it is asked for, so
when life intervenes (missed days, illness, travel, a new minutes cap) it re-plans forward from
what was really done: missed sessions are dropped, never piled onto later days, and the next
weeks start from the real (lower) volume.

Weekly volume (km) is planned toward a goal volume (``PEAK_KM``: by goal distance and experience,
never below what the runner already handles, never above what their available minutes hold),
approached within these gates rather than by a fixed weekly percentage:
* progression: from the top week of the last four, +10 % a week — also after a cutback or an
  interrupted week (the missed km are not added; the step that was planned is taken); faster (up
  to +20 % intermediate, +25 % advanced, linear in the gap below 80 % of the goal volume;
  :func:`progression_rate`) only while the runner is coping (last week's runs not felt >= 1 RPE
  point harder than expected), risk is not high and there is no pain or illness
  (:func:`fast_progress_ok`); novices stay at 10 %. Today's readiness does not enter the week's
  target — it shapes the day's session (:mod:`coaching.plan.policy`), so the target is the same
  from Monday to Sunday. The 10 % rule alone showed no effect in
  a randomised trial (Buist et al. 2008) and week-to-week ratios showed no dose-response in 5,205
  runners (Frandsen et al. 2025), so the extra volume is allowed, but it goes to more and longer
  easy runs while every single run stays under the spike cap below;
* acute:chronic band: a week's target is at most 1.3 x the mean of the last four weeks (1.5 x
  while faster growth is allowed: ACWR discriminates weakly, Impellizzeri et al. 2020; Williams et
  al. 2017 EWMA ACWR, REFERENCES.md) — an outer guard, not the progression rule: it limits growth
  beyond the top week of the four, never the way back to a level the runner already handled after
  a few short weeks (a cold, a niggle; the single-run cap below still holds run by run);
* 3:1 loading: a cutback week (x 0.75) after three loading weeks (:func:`is_cutback_week`);
* single-run spike: no planned run longer than 1.10 x the longest run of the last 30 days
  (Frandsen et al. 2025: hazard ratio 1.64 for runs 10-30 % longer, 1.52 for 30-100 %, 2.28 beyond);
* pain: running volume halved and no quality while pain is reported; none while the
  no-running flag is set;
* return after a break, by its length in days without running (:func:`return_kind`): up to 5 days
  — carry on; 6-13 days (a cold, a niggle) — one gentle week back at 75 % of the pre-break volume
  with easy runs and the long run (no quality), then the previous level; 14+ days (multi-week, e.g.
  an injury) — the conservative protocol: easy running only while a zero week is among the last
  three, the first week at most half the pre-break level, then +10 % a week (:func:`return_step`).
  The pre-break level is the runner's usual week before the break (median of the four weeks before
  it, from ``RunnerState.weekly_km_earlier`` when the break is longer than the four-week window),
  and the ramp is anchored on it: a return week cut short by a niggle or a cold is repeated, and
  the runner is not sent back to the beginner floor or to +10 % of the short week. Short breaks
  cost little fitness (short-term detraining, Mujika & Padilla 2000; Daniels' Running Formula
  return rules — not yet in REFERENCES.md, verify before relying on them).

A new runner with nothing logged before joining is planned from the weekly km they declared
(:mod:`coaching.plan.declared`); the week they joined holds that level, growth waits for their logs.

Week structure: the long run on the long-run day; up to two quality sessions, placed jointly so
that two fit with the long run (Tue-Thu-Sun, not Wed alone: Daniels' Running Formula; Pfitzinger &
Douglas, Advanced Marathoning); hard days at least 48 h apart. The long run is ``LONG_FRACTION`` of
the week plus ``LONG_EXTRA`` for the marathon (35-45 % in the standard marathon plans) and the
half; when the weekday runs are capped by the minutes available, the rest of the target goes to the
long run up to ``LONG_SHARE_MAX`` of the week (three-run weeks: FIRST-style) — always under the
single-run spike cap and the long-run day's minutes. Peak weeks: race-pace work plus VO2max
intervals (Pfitzinger's race-preparation block); taper: 14 days before a marathon or half
(Bosquet et al. 2007 meta-analysis: 8-14 days, volume -41-60 %, intensity and frequency kept;
Mujika & Padilla 2003), with race-pace and interval sessions kept in the taper weeks before race
week and only a short race-pace touch in race week.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from coaching.plan.goals import Goal
from coaching.plan.paces import TrainingPaces, paces_for
from coaching.plan.state import RunnerState
from coaching.plan.workouts import EXPECTED_RPE, HARD_DAY_TYPES, LONG_PACE_FACTOR, easy_pace_mid

if TYPE_CHECKING:
    from coaching.plan.goal_check import GoalCheck

SPIKE_LIMIT = 1.10
# Breaks (days without running): shorter than SHORT_BREAK_DAYS is no break; from LONG_BREAK_DAYS on
# (multi-week) the conservative return protocol; in between one gentle week back (see return_kind).
SHORT_BREAK_DAYS = 6
LONG_BREAK_DAYS = 14
SHORT_RETURN_FRACTION = 0.75
LONG_RETURN_FRACTION = 0.5
# A return week counts as done (the schedule moves on) when at least this share of its step was run.
RETURN_STEP_DONE = 0.8
# Last week's runs felt this many CR-10 points harder than expected: no faster growth.
RPE_DRIFT_SLOW = 1.0
ACWR_CAP = 1.3
WEEKLY_GROWTH = 0.10
# Faster growth toward the goal volume (see progression_rate): from FAST_BELOW of the goal volume
# down, +GAP_GAIN per unit of gap, at most GROWTH_MAX a week; outer four-week band ACWR_CAP_FAST.
FAST_BELOW = 0.8
GAP_GAIN = 0.5
GROWTH_MAX = {"novice": WEEKLY_GROWTH, "intermediate": 0.20, "advanced": 0.25}
ACWR_CAP_FAST = 1.5
CUTBACK = 0.75
LOADING_STEP = 1.02  # a week counts as a loading week when it is >= 2 % above the week before

MAX_RUNS = {"novice": 4, "intermediate": 5, "advanced": 6}
START_KM = {"novice": 8.0, "intermediate": 12.0, "advanced": 18.0}
RETURN_FLOOR_LONG_KM = {"novice": 3.0, "intermediate": 5.0, "advanced": 6.0}
MIN_RUN_KM = {"novice": 2.5, "intermediate": 4.0, "advanced": 5.0}
# Upper weekly km for the goal, by distance class and experience.
PEAK_KM = {
    "marathon": {"novice": 50.0, "intermediate": 70.0, "advanced": 100.0},
    "half": {"novice": 35.0, "intermediate": 55.0, "advanced": 80.0},
    "10k": {"novice": 30.0, "intermediate": 45.0, "advanced": 70.0},
    "5k": {"novice": 25.0, "intermediate": 40.0, "advanced": 60.0},
    "general": {"novice": 20.0, "intermediate": 35.0, "advanced": 55.0},
}
LONG_CAP_KM = {"marathon": 32.0, "half": 22.0, "10k": 16.0, "5k": 14.0, "general": 16.0}
# Phase lengths: taper in days before the race, peak and build in weeks.
TAPER_DAYS = {"marathon": 14, "half": 14, "10k": 10, "5k": 7, "general": 0}
PEAK_WEEKS = {"marathon": 3, "half": 3, "10k": 2, "5k": 2, "general": 0}
BUILD_WEEKS = {"marathon": 8, "half": 6, "10k": 6, "5k": 5, "general": 0}
RECOVERY_DAYS_AFTER = {"marathon": 21, "half": 10, "10k": 6, "5k": 4, "general": 0}
# Taper volume as a fraction of the reference (pre-taper) week, by weeks before the race week.
TAPER_FRACTION = {
    "marathon": (0.45, 0.65),
    "half": (0.55, 0.8),
    "10k": (0.6, 0.85),
    "5k": (0.65, 0.85),
    "general": (1.0,),
}
LONG_FRACTION = {1: 1.0, 2: 0.55, 3: 0.40, 4: 0.33, 5: 0.30}
# Long-run share added for long goals: marathon long runs are 35-45 % of the week in the standard
# plans (Pfitzinger & Douglas, Advanced Marathoning; Higdon), half-marathon ones a little less.
LONG_EXTRA = {"marathon": 0.10, "half": 0.05}
# When the weekday runs are capped by the minutes available, the rest of the week's target goes to
# the long run (under the spike cap and the long-run day's minutes), up to this share of the week:
# three-run weeks put about half the week in the long run (FIRST, Pierce et al.).
LONG_SHARE_MAX = 0.55
QUALITY_FRACTION = 0.17
# With three runs or fewer a week each run is a third of it: the quality session takes a quarter.
QUALITY_FRACTION_FEW = 0.25


def distance_class(goal: Goal) -> str:
    d = goal.distance_m
    if d is None:
        return "general"
    if d >= 30000:
        return "marathon"
    if d >= 15000:
        return "half"
    if d >= 8000:
        return "10k"
    return "5k"


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One planned session: ``distance_km`` kilometres, ``duration_min`` minutes."""

    day: date
    type: str
    distance_km: float
    duration_min: float

    @property
    def hard(self) -> bool:
        return self.type in HARD_DAY_TYPES

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "type": self.type,
            "distance_km": round(self.distance_km, 1),
            "duration_min": round(self.duration_min),
            "hard": self.hard,
        }


@dataclass(frozen=True, slots=True)
class PlanWeek:
    """A Monday-to-Sunday week: ``phase``, target running ``target_km``, sessions (days absent = rest)."""

    start: date
    phase: str
    target_km: float
    sessions: tuple[PlannedSession, ...]
    cutback: bool = False
    mode: str = "normal"  # normal / return / pain / no_running / illness

    def session_on(self, day: date) -> PlannedSession | None:
        for s in self.sessions:
            if s.day == day:
                return s
        return None

    @property
    def planned_km(self) -> float:
        return sum(s.distance_km for s in self.sessions if s.type != "cross_training")

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "phase": self.phase,
            "target_km": round(self.target_km, 1),
            "planned_km": round(self.planned_km, 1),
            "cutback": self.cutback,
            "mode": self.mode,
            "sessions": [s.to_json() for s in self.sessions],
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """Weeks from the current one toward the goal (and the recovery weeks after a race)."""

    created: date
    goal: Goal
    weeks: tuple[PlanWeek, ...]
    goal_check: GoalCheck | None = None  # set by coaching.plan.today.build_plan

    def week_of(self, day: date) -> PlanWeek | None:
        start = monday(day)
        for w in self.weeks:
            if w.start == start:
                return w
        return None

    def session_on(self, day: date) -> PlannedSession | None:
        w = self.week_of(day)
        return w.session_on(day) if w else None

    def to_json(self) -> dict[str, object]:
        return {
            "created": self.created.isoformat(),
            "goal": self.goal.to_json(),
            "weeks": [w.to_json() for w in self.weeks],
            "goal_check": self.goal_check.to_json() if self.goal_check else None,
        }


def phase_for_week(goal: Goal, week_start: date) -> tuple[str, int | None]:
    """(phase, days from the week's Monday to the race) — phase in base/build/peak/taper/recovery/general."""
    if not goal.is_race or goal.race_date is None:
        return "general", None
    cls = distance_class(goal)
    dtr = (goal.race_date - week_start).days
    if dtr < 0:
        return ("recovery" if -dtr <= RECOVERY_DAYS_AFTER[cls] + 6 else "general"), dtr
    if dtr < max(TAPER_DAYS[cls], 7):
        return "taper", dtr
    weeks_before_taper = (dtr - max(TAPER_DAYS[cls], 7)) // 7
    if weeks_before_taper < PEAK_WEEKS[cls]:
        return "peak", dtr
    if weeks_before_taper < PEAK_WEEKS[cls] + BUILD_WEEKS[cls]:
        return "build", dtr
    return "base", dtr


def is_cutback_week(weekly: tuple[float, ...], phase: str) -> bool:
    """A cutback (recovery) week after three loading weeks: 3:1 loading, decided from what was run.

    Cutback when each of the last three weeks grew on the week before it (by at least
    ``LOADING_STEP``) and the last is at least 1.1 x the first of the four. After a cutback, or any
    missed or flat week, the next cutback waits for three new loading weeks. A runner holding a
    steady volume, or one that only just stepped up from a steady base, gets no cutback.
    """
    if phase not in ("base", "build", "general") or len(weekly) < 4:
        return False
    w = weekly[-4:]
    return (
        w[0] > 0.0
        and all(w[i] >= LOADING_STEP * w[i - 1] for i in (1, 2, 3))
        and w[3] >= 1.1 * w[0]
    )


@dataclass(frozen=True, slots=True)
class _Ctx:
    experience: str
    e_pace: float  # s/km
    paces: TrainingPaces | None
    cls: str
    fast_ok: bool


def easy_pace(state: RunnerState, paces: TrainingPaces | None = None) -> float:
    """The runner's easy pace, s/km: from their paces (VDOT or threshold) and personal offset."""
    personal_off = state.personal.easy_pace_offset_s_per_km if state.personal else 0.0
    if paces is None:
        paces = paces_for(state.vdot, state.threshold_pace_s_per_km)
    return easy_pace_mid(paces, state.experience, personal_off)


def _ctx(state: RunnerState) -> _Ctx:
    paces = paces_for(state.vdot, state.threshold_pace_s_per_km)
    return _Ctx(
        state.experience if state.experience in MAX_RUNS else "intermediate",
        easy_pace(state, paces),
        paces,
        distance_class(state.goal) if state.goal.is_race or state.goal.distance_m else "general",
        fast_progress_ok(state),
    )


def fast_progress_ok(state: RunnerState) -> bool:
    """Faster growth toward the goal volume only when the runner is coping and nothing hurts.

    Decided from training history, not from today's readiness: a single low morning changes the
    day's session (:mod:`coaching.plan.policy`), not the week's target. Coping = last calendar
    week's runs felt, on average, less than ``RPE_DRIFT_SLOW`` CR-10 points harder than expected
    (session RPE, Foster et al. 2001; subjective measures track load sensitively, Saw et al. 2016).
    Also: risk band not high, no pain, no no-running flag, no illness.
    """
    drift = last_week_rpe_drift(state)
    return (
        (drift is None or drift < RPE_DRIFT_SLOW)
        and state.risk_band != "high"
        and state.pain_area is None
        and state.illness is None
        and not state.constraints.no_running_until_pain_resolves
    )


def rpe_drift(state: RunnerState, start: date, end: date, min_sessions: int = 2) -> tuple[float | None, int]:
    """Mean (reported - expected - personal offset) CR-10 RPE of the runs in ``[start, end)``.

    ``(None, n)`` with fewer than ``min_sessions`` rated runs. Races are left out.
    """
    personal = state.personal
    offset = personal.rpe_offset if personal is not None and personal.rpe_n else 0.0
    diffs = [
        s.rpe
        - EXPECTED_RPE.get(s.workout_type or ("easy" if s.intensity == "easy" else "tempo"), 3.0)
        - offset
        for s in state.recent_sessions
        if s.rpe is not None and s.is_run and start <= s.date < end and s.workout_type != "race"
    ]
    if len(diffs) < min_sessions:
        return None, len(diffs)
    return sum(diffs) / len(diffs), len(diffs)


def last_week_rpe_drift(state: RunnerState) -> float | None:
    """RPE drift of the last calendar week (stable from Monday to Sunday, like the week's plan)."""
    start = monday(state.today)
    return rpe_drift(state, start - timedelta(days=7), start)[0]


def run_dates(state: RunnerState) -> list[date]:
    """Days with a run before today in ``recent_sessions``; with ``running_until`` (the runner's own
    account of running as usual until they joined) the day before it stands for all days up to it,
    so only runs from then on can show a break. Sorted, distinct."""
    days = {s.date for s in state.recent_sessions if s.is_run and s.date < state.today}
    if state.running_until is not None and state.running_until <= state.today:
        last_told = state.running_until - timedelta(days=1)
        days = {d for d in days if d > last_told} | {last_told}
    return sorted(days)


def days_since_last_run(state: RunnerState) -> int | None:
    runs = run_dates(state)
    return (state.today - runs[-1]).days if runs else None


def latest_break_days(state: RunnerState) -> int | None:
    """Days without running of the latest break (``SHORT_BREAK_DAYS``+ run-free days) in
    ``recent_sessions`` when it is still going on or ended this calendar week (the return week);
    else None.

    A break that began before the sessions' window (14 days) counts the run-free days the window
    shows (a lower bound; :func:`return_kind` adds the calendar weeks' evidence).
    """
    today = state.today
    runs = run_dates(state)
    if not runs:
        return None
    if (today - runs[-1]).days - 1 >= SHORT_BREAK_DAYS:  # still off
        return (today - runs[-1]).days - 1
    window_start = min([*(s.date for s in state.recent_sessions), today - timedelta(days=14)])
    if state.running_until is not None:  # running as usual until the day before joining: no break there
        window_start = max(window_start, state.running_until - timedelta(days=1))
    this_week = monday(today)
    edges = [window_start - timedelta(days=1), *runs]
    best: int | None = None
    for a, b in itertools.pairwise(edges):
        off = (b - a).days - 1
        if off >= SHORT_BREAK_DAYS and b >= this_week:
            best = off
    return best


def _estimated_days_off(weekly: tuple[float, ...]) -> float:
    """Run-free days of the latest zero-week break estimated from calendar-week km: the zero weeks
    count 7 days each and the weeks next to them 7 x their shortfall below the pre-break level."""
    w = list(weekly)
    zeros = [i for i, x in enumerate(w) if x <= 0.0]
    if not zeros:
        return 0.0
    last = zeros[-1]
    first = last
    while first > 0 and w[first - 1] <= 0.0:
        first -= 1
    before = [x for x in w[:first] if x > 0.0]
    level = max(before) if before else 0.0
    if level <= 0.0:
        return 7.0 * len(w)  # nothing known before the break: treat it as long
    days = 7.0 * (last - first + 1)
    for i in (first - 1, last + 1):
        if 0 <= i < len(w):
            days += 7.0 * max(0.0, 1.0 - w[i] / level)
    return days


def return_kind(
    weekly: tuple[float, ...], days_since_run: int | None, days_off: int | None = None
) -> str | None:
    """Which return rule applies this week: None, ``"short"`` or ``"long"``.

    * ``"long"`` (a multi-week break, ``LONG_BREAK_DAYS``+ days without running, or no run in the
      recent window): the conservative protocol while a zero week is among the last three —
      easy running only, the first week at most half the pre-break volume, then at most +10 % a
      week from what was run;
    * ``"short"`` (``SHORT_BREAK_DAYS``-``LONG_BREAK_DAYS - 1`` days off, e.g. a cold or a niggle):
      one gentle week back — ``SHORT_RETURN_FRACTION`` of the pre-break volume, easy running and
      the long run (under the spike cap), no quality — then the previous level, without growth.
      Short breaks cost little fitness, so they do not need the multi-week ramp (Mujika & Padilla
      2000, Sports Med 30(2): short-term detraining; Daniels' Running Formula: up to 5 days off,
      resume the full load; 6-28 days, half the return at 50 % and half at 75 % — neither is in
      REFERENCES.md yet: verify before relying on the figures);
    * None: up to ``SHORT_BREAK_DAYS - 1`` days off — carry on with the plan (the week after a dip
      resumes the level already handled, see :func:`week_target_km`).

    ``days_off`` is the latest break's run-free days seen in the sessions (:func:`latest_break_days`);
    the calendar weeks bound it from below (:func:`_estimated_days_off`).
    """
    w = tuple(weekly[-4:])
    if days_since_run is None or days_since_run - 1 >= LONG_BREAK_DAYS:
        return "long"
    zeros = [i for i, x in enumerate(w) if x <= 0.0]
    if zeros and zeros[-1] >= len(w) - 3:
        off = max(float(days_off or 0), _estimated_days_off(w))
        if len(zeros) >= 2 or off >= LONG_BREAK_DAYS:
            return "long"
        # one zero week, a short break: only the week running resumes in is a return week
        return "short" if zeros[-1] == len(w) - 1 or (days_off or 0) >= SHORT_BREAK_DAYS else None
    if days_off is not None and days_off >= SHORT_BREAK_DAYS:
        return "long" if days_off >= LONG_BREAK_DAYS else "short"
    return None


def in_return_mode(weekly: tuple[float, ...], days_since_run: int | None) -> bool:
    """Back from a multi-week break (the conservative return protocol; see :func:`return_kind`)."""
    return return_kind(weekly, days_since_run) == "long"


def progression_rate(ref_km: float, goal_km: float, experience: str = "intermediate") -> float:
    """Weekly growth allowed from ``ref_km`` toward the goal volume ``goal_km``.

    10 % near the goal (at or above ``FAST_BELOW`` of it), rising linearly with the gap to at most
    ``GROWTH_MAX`` when the runner is far below what the goal needs (Buist 2008: the 10 % rule alone
    had no effect; Frandsen 2025: week-to-week ratios showed no dose-response — the single-run spike
    cap is what protects, and it is applied run by run in :func:`plan_week`).
    """
    if goal_km <= 0.0 or ref_km <= 0.0:
        return WEEKLY_GROWTH
    gap = FAST_BELOW - ref_km / goal_km
    top = GROWTH_MAX.get(experience, WEEKLY_GROWTH)
    return max(WEEKLY_GROWTH, min(top, WEEKLY_GROWTH + GAP_GAIN * gap))


def _break_block(weeks: tuple[float, ...]) -> tuple[int, int] | None:
    """(first, last) index of the latest run of zero weeks in ``weeks`` (oldest first), or None."""
    zeros = [i for i, x in enumerate(weeks) if x <= 0.0]
    if not zeros:
        return None
    z1 = zeros[-1]
    z0 = z1
    while z0 > 0 and weeks[z0 - 1] <= 0.0:
        z0 -= 1
    return z0, z1


def pre_break_level(weeks: tuple[float, ...]) -> float:
    """The runner's usual weekly km before the latest zero-week break in ``weeks`` (oldest first):
    the median of the four weeks before it — robust to the partial week the break began in and to
    one unusually big week. 0 when there is no zero week or nothing was run before it."""
    block = _break_block(weeks)
    if block is None:
        return 0.0
    before = sorted(weeks[max(0, block[0] - 4) : block[0]])
    if not before:
        return 0.0
    return 0.5 * (before[(len(before) - 1) // 2] + before[len(before) // 2])


def return_schedule() -> tuple[float, ...]:
    """Weekly volume for each week back after a multi-week break, as a fraction of the pre-break
    level: ``LONG_RETURN_FRACTION`` (50 %), then +``WEEKLY_GROWTH`` (10 %) a week, until the next
    step would reach the pre-break level."""
    out = [LONG_RETURN_FRACTION]
    while out[-1] * (1.0 + WEEKLY_GROWTH) < 1.0:
        out.append(out[-1] * (1.0 + WEEKLY_GROWTH))
    return tuple(out)


def return_step(weeks: tuple[float, ...]) -> tuple[float, float] | None:
    """(fraction, pre-break weekly km) of the coming week while it is inside the return schedule
    after a multi-week break (``LONG_BREAK_DAYS``+ days, estimated from ``weeks``: oldest first,
    ending last week); None outside it or when the pre-break level is unknown.

    The schedule (:func:`return_schedule`) is anchored on the pre-break level
    (:func:`pre_break_level`), not on the last week run, and advances one step per week run at
    ``RETURN_STEP_DONE`` of its step or more: a return week cut short by a niggle or a cold is
    repeated, not skipped — and the return does not start over from the short week either
    ("advance on response").
    """
    block = _break_block(weeks)
    level = pre_break_level(weeks)
    if block is None or level <= 0.0:
        return None
    z0, z1 = block
    days = 7.0 * (z1 - z0 + 1) + 7.0 * max(0.0, 1.0 - weeks[z0 - 1] / level)
    if days < LONG_BREAK_DAYS:
        return None
    sched = return_schedule()
    k = 0
    for w in weeks[z1 + 1 :]:
        if k < len(sched) and w >= RETURN_STEP_DONE * sched[k] * level:
            k += 1
    if k >= len(sched):
        return None
    return sched[k], level


def week_target_km(
    weekly: tuple[float, ...],
    *,
    experience: str,
    cls: str,
    phase: str,
    dtr: int | None,
    cutback: bool,
    return_mode: bool,
    capacity_km: float,
    fast_ok: bool = False,
    short_return: bool = False,
    earlier: tuple[float, ...] = (),
) -> float:
    """Target running km for a week from the previous four weeks (oldest first) and the phase.

    Loading weeks approach the goal volume (``PEAK_KM`` for the distance and experience, never below
    what the runner already handles) within the gates: growth from the recent top week at
    :func:`progression_rate` when ``fast_ok`` (coping, no pain, no illness, no high risk; see
    :func:`fast_progress_ok`), else 10 %; at most ``ACWR_CAP`` (``ACWR_CAP_FAST`` when ``fast_ok``)
    x the four-week mean. The target comes from training history only; today's readiness shapes
    the day, not the week.

    ``return_mode`` (multi-week break): the first week back at most ``LONG_RETURN_FRACTION`` of the
    pre-break level, then +10 % a week (:func:`return_step`; ``earlier`` holds the weeks before the
    four, so a break longer than the four-week window does not erase the level the runner had).
    After the easy-only return weeks, a return interrupted by a niggle or a cold keeps the step it
    reached as a floor. Without a known pre-break level: the first week at most
    ``LONG_RETURN_FRACTION`` of the top week of the four (or the experience floor, or ``ACWR_CAP``
    x the four-week mean if larger), then at most +10 % a week from the last week run.
    ``short_return`` (the week running resumes after a short break): at most
    ``SHORT_RETURN_FRACTION`` of the pre-break top week, no growth (see :func:`return_kind`).
    """
    top = max(weekly) if weekly else 0.0
    chronic = sum(weekly) / len(weekly) if weekly else 0.0
    last = weekly[-1] if weekly else 0.0
    step = return_step((*earlier, *weekly))
    if return_mode and step is not None:
        target = step[0] * step[1]
        if phase in ("taper", "recovery"):
            target = min(
                target,
                _phase_target(
                    weekly,
                    experience=experience,
                    cls=cls,
                    phase=phase,
                    dtr=dtr,
                    cutback=False,
                    capacity_km=capacity_km,
                    fast_ok=False,
                ),
            )
        return max(0.0, min(target, capacity_km))
    if return_mode:
        floor = START_KM[experience]
        if top <= 0.0:
            return min(floor, capacity_km)
        ramp = (1.0 + WEEKLY_GROWTH) * last
        grow = max(floor, ACWR_CAP * chronic, ramp)
        return min(grow, max(LONG_RETURN_FRACTION * top, ramp), capacity_km)
    kept = _without_short_break(weekly)
    target = _phase_target(
        kept,
        experience=experience,
        cls=cls,
        phase=phase,
        dtr=dtr,
        cutback=cutback,
        capacity_km=capacity_km,
        fast_ok=fast_ok and not short_return,
        after_break=len(kept) < len(weekly),
    )
    if short_return:
        target = min(target, SHORT_RETURN_FRACTION * top)
    if step is not None and not cutback and phase in ("base", "build", "peak", "general"):
        # an interrupted return does not start over from the short weeks: the step reached is a floor
        target = max(target, min(step[0] * step[1], capacity_km))
    return max(0.0, target)


def _without_short_break(weekly: tuple[float, ...]) -> tuple[float, ...]:
    """The weeks without the zero week of a short break (< ``LONG_BREAK_DAYS`` days off).

    A week off with a cold is not a loss of the adaptation the four-week band protects (short-term
    detraining is small, Mujika & Padilla 2000), so it does not drag the four-week mean down for the
    following weeks; multi-week breaks stay in (their own return protocol applies first).
    """
    zeros = [x for x in weekly if x <= 0.0]
    if len(zeros) != 1 or len(weekly) < 2 or _estimated_days_off(weekly) >= LONG_BREAK_DAYS:
        return weekly
    return tuple(x for x in weekly if x > 0.0)


def _phase_target(
    weekly: tuple[float, ...],
    *,
    experience: str,
    cls: str,
    phase: str,
    dtr: int | None,
    cutback: bool,
    capacity_km: float,
    fast_ok: bool,
    after_break: bool = False,
) -> float:
    """:func:`week_target_km` outside the return protocol (``after_break``: a short break's zero
    week was taken out of ``weekly``)."""
    top = max(weekly) if weekly else 0.0
    # the goal's usual peak, but never below what the runner already handles
    peak = min(max(PEAK_KM[cls][experience], top), capacity_km)
    chronic = sum(weekly) / len(weekly) if weekly else 0.0
    if phase == "recovery":
        first = dtr is not None and dtr > -7
        return min((0.4 if first else 0.6) * top, capacity_km)
    if phase == "taper" and dtr is not None:
        fr = TAPER_FRACTION[cls]
        k = min(len(fr) - 1, max(0, dtr // 7))
        return min(fr[k] * top, capacity_km)
    acwr_cap = ACWR_CAP_FAST if fast_ok else ACWR_CAP
    # grow from the top week of the last four — also after a cutback or an interrupted week: a
    # missed or short week does not set the progression back (the next week is the step that was
    # planned) and the missed km are never added. Week-to-week ratios showed no dose-response
    # (Frandsen 2025); the four-week band below and the single-run spike cap still apply.
    # (after a short break's return week: back to the previous level first, growth the week after)
    rate = progression_rate(top, peak, experience) if fast_ok else WEEKLY_GROWTH
    target = top * (1.0 + rate) if top >= 10.0 else top + (2.0 if fast_ok else 1.0)
    if after_break and weekly and weekly[-1] < 0.85 * top:
        target = top
    # the four-week band limits growth beyond the level already handled, never the way back to it
    band = max(acwr_cap * chronic, top) if chronic > 0 else target
    target = min(peak, target, band)
    if phase == "peak":
        target = min(peak, max(target, min(top, acwr_cap * chronic)))
    if cutback:
        target *= CUTBACK
    return max(0.0, min(target, capacity_km))


_CYCLIC_GAP = (0, 1, 2, 3, 3, 2, 1)  # min(d, 7 - d) for d = (a - b) mod 7


def _cyc(a: int, b: int) -> int:
    """Days between two weekdays around the week (Sunday to Tuesday is 2)."""
    return _CYCLIC_GAP[(a - b) % 7]


def _pick_spread(candidates: list[int], chosen: list[int], n: int) -> list[int]:
    """Add up to ``n`` weekdays from ``candidates`` maximising the minimum cyclic gap to ``chosen``."""
    out = list(chosen)
    pool = [d for d in candidates if d not in out]
    while len(out) < len(chosen) + n and pool:
        best = max(pool, key=lambda d: (min((_cyc(d, c) for c in out), default=7), -d))
        out.append(best)
        pool.remove(best)
    return out


def _place_quality(
    quality: list[str],
    run_days: list[int],
    hard_days: list[int],
    ok: Callable[[int, str], bool],
) -> list[tuple[int, str]]:
    """Weekdays for the week's quality sessions (most important first), placed jointly.

    As many of them as fit with at least one easy day or rest day between any two hard days
    (quality, long run, race; ``ok`` checks a day for a type against the fixed hard days); among
    those placements the one with the largest smallest gap, then the primary session's own gap,
    then the earliest primary day. Placing them one at a time can put the first session in the
    middle of the gap and leave no room for the second (Tue-Thu-Sun is the usual two-quality-plus-
    long-run week: Daniels' Running Formula, Pfitzinger & Douglas, Advanced Marathoning).
    """
    for k in range(len(quality), 0, -1):
        for subset in itertools.combinations(quality, k):  # higher-priority sessions first
            best: tuple[tuple[int, int, int], list[tuple[int, str]]] | None = None
            for days in itertools.permutations(run_days, k):
                if not all(ok(d, qt) for d, qt in zip(days, subset, strict=True)):
                    continue
                if any(_cyc(a, b) < 2 for a, b in itertools.combinations(days, 2)):
                    continue
                every = [*hard_days, *days]
                gaps = [_cyc(a, b) for a, b in itertools.combinations(every, 2)]
                own = [_cyc(days[0], h) for h in [*hard_days, *days[1:]]]
                key = (min(gaps, default=7), min(own, default=7), -days[0])
                if best is None or key > best[0]:
                    best = (key, list(zip(days, subset, strict=True)))
            if best is not None:
                return best[1]
    return []


def _quality_plan(phase: str, cls: str, experience: str, n_runs: int, chronic: float) -> list[str]:
    """Quality session types for a week, most important first."""
    if phase in ("recovery",) or n_runs < 2:
        return []
    novice = experience == "novice"
    if phase == "general":
        if novice:
            return ["strides"] if chronic >= 8.0 else []
        return ["tempo", "hills"] if n_runs >= 4 else ["tempo"]
    if phase == "base":
        if novice:
            return ["strides"] if chronic >= 8.0 else []
        return ["hills", "strides"] if n_runs >= 5 else ["hills"]
    if phase == "build":
        if novice:
            return ["progression"] if cls in ("marathon", "half") else ["tempo"]
        return ["tempo", "intervals"] if cls in ("marathon", "half") else ["intervals", "tempo"]
    if phase == "peak":
        if novice:
            return ["race_pace"] if cls in ("marathon", "half") else ["tempo"]
        return ["race_pace", "intervals"]
    if phase == "taper":
        return ["race_pace"] if novice else ["race_pace", "intervals"]
    return []


def plan_week(
    state: RunnerState,
    week_start: date,
    weekly: tuple[float, ...],
    longest_30d_m: float | None,
    *,
    ctx: _Ctx | None = None,
    days_since_run: int | None = None,
    earlier: tuple[float, ...] = (),
) -> PlanWeek:
    """Plan the week starting ``week_start`` (a Monday) given the four weeks before it (and the
    ``earlier`` weeks before those, oldest first)."""
    c = ctx or _ctx(state)
    goal, av, cons = state.goal, state.availability, state.constraints
    phase, dtr = phase_for_week(goal, week_start)
    cutback = is_cutback_week(weekly, phase)
    days = [week_start + timedelta(days=i) for i in range(7)]
    is_current = week_start <= state.today < week_start + timedelta(days=7)
    avail_min: dict[int, float] = {}
    for day in days:
        if day in cons.unavailable:
            continue
        m = av.minutes_on(day)
        if is_current and day == state.today and cons.today_max_minutes is not None:
            m = cons.today_max_minutes
        if m >= 15.0:
            avail_min[day.weekday()] = m
    capacity_km = sum(avail_min.values()) * 60.0 / c.e_pace
    kind = (
        return_kind(weekly, days_since_run, latest_break_days(state))
        if is_current
        else return_kind(weekly, 0)
    )
    ret = kind == "long"
    target = week_target_km(
        weekly,
        experience=c.experience,
        cls=c.cls,
        phase=phase,
        dtr=dtr,
        cutback=cutback,
        return_mode=ret,
        capacity_km=capacity_km,
        fast_ok=c.fast_ok,
        short_return=kind == "short",
        earlier=earlier,
    )
    if state.running_until is not None and week_start <= state.running_until < week_start + timedelta(days=7):
        # the week the runner joined holds the level they told us about: growth waits for their logs
        target = min(target, max(weekly, default=target))
    mode = "return" if kind else "normal"
    no_run = is_current and (
        cons.no_running_until_pain_resolves or (state.pain_area is not None and state.pain_sharp)
    )
    if is_current and state.pain_area is not None and not no_run:
        target *= 0.5
        mode = "pain"
    if is_current and state.illness in ("below_neck", "fever"):
        target *= 0.6
        mode = "illness"
    elif is_current and state.illness == "above_neck":
        target *= 0.85
        mode = "illness"
    if no_run:
        cross = tuple(
            PlannedSession(day, "cross_training", 0.0, min(45.0, avail_min[day.weekday()]))
            for day in days
            if day.weekday() in avail_min
        )
        return PlanWeek(week_start, phase, 0.0, cross, cutback, "no_running")

    race_day = goal.race_date if goal.is_race and goal.race_date in days else None
    chronic = sum(weekly) / len(weekly) if weekly else 0.0
    exp = c.experience
    n_runs = min(len(avail_min), MAX_RUNS[exp], max(min(3, len(avail_min)), int(target / MIN_RUN_KM[exp])))
    if phase == "taper" and race_day is not None:
        n_runs = min(n_runs, max(1, len(avail_min) - 1))
    avail_days = sorted(avail_min)
    long_day = av.preferred_long_day()
    if long_day not in avail_min:
        long_day = max(avail_days, key=lambda d: (avail_min[d], d)) if avail_days else None
    anchors: list[int] = []
    if race_day is not None:
        anchors.append(race_day.weekday())
    elif long_day is not None:
        anchors.append(long_day)
    run_days = _pick_spread(avail_days, anchors, max(0, n_runs - len(anchors)))
    race_date = goal.race_date if goal.is_race else None

    def to_race(wd: int) -> int | None:
        return None if race_date is None else (race_date - (week_start + timedelta(days=wd))).days

    has_long = (
        race_day is None
        and long_day is not None
        and not ret
        and phase not in ("recovery",)
        and len(run_days) >= 2
    )
    if has_long and long_day is not None:
        tr = to_race(long_day)
        has_long = tr is None or tr < 0 or tr >= 8

    if race_day is not None:
        # no running in the first days after the race (marathon 3, half 2, shorter 1)
        rest_after = {"marathon": 3, "half": 2}.get(c.cls, 1)
        rw = race_day.weekday()
        run_days = [d for d in run_days if d <= rw or d - rw > rest_after]
    types: dict[int, str] = {d: "easy" for d in run_days}
    hard_days: list[int] = []
    if race_day is not None:
        types[race_day.weekday()] = "race"
        hard_days.append(race_day.weekday())
    elif has_long and long_day is not None:
        types[long_day] = "long"
        hard_days.append(long_day)
    quality = (
        []
        if (kind or mode in ("pain", "illness"))
        else _quality_plan(phase, c.cls, exp, len(run_days), chronic)
    )
    if race_day is not None:
        # one short race-pace touch at least 3 days out; no other quality in race week
        quality = ["race_pace"] if not kind else []
    max_q = 1 if len(run_days) <= 3 else 2

    def q_ok(d: int, qt: str) -> bool:
        if types[d] != "easy" or any(_cyc(d, h) < 2 for h in hard_days):
            return False
        # the usual long-run day counts as hard even in weeks without a long run (last week's)
        if long_day is not None and _cyc(d, long_day) < 2:
            return False
        if race_date is None:
            return True
        tr = to_race(d)
        return tr is not None and (
            tr >= 8 or (tr >= 3 and qt == "race_pace") or tr < -RECOVERY_DAYS_AFTER[c.cls]
        )

    hard_q = [qt for qt in quality[:max_q] if qt != "strides"]
    for qd, qt in _place_quality(hard_q, run_days, hard_days, q_ok):
        types[qd] = qt
        hard_days.append(qd)
    if "strides" in quality[:max_q]:
        cand = [d for d in run_days if types[d] == "easy"]
        if cand:
            types[_pick_spread(cand, hard_days, 1)[-1] if hard_days else cand[0]] = "strides"

    # distances
    cap_km = ((longest_30d_m or 0.0) / 1000.0) * SPIKE_LIMIT
    if cap_km <= 0.0:
        cap_km = RETURN_FLOOR_LONG_KM[exp]
    n = len(run_days)
    km: dict[int, float] = {}
    race_km = 0.0
    if race_day is not None and goal.distance_m is not None:
        race_km = goal.distance_m / 1000.0
        km[race_day.weekday()] = race_km
    budget = max(0.0, target)
    if race_day is not None:
        budget = max(0.0, target - (race_km if race_km < 0.5 * target else 0.0))
    pace_easy = c.e_pace

    def cap_for(d: int, pace: float) -> float:
        return min(cap_km, avail_min[d] * 60.0 / pace)

    if has_long and long_day is not None:
        lf = LONG_FRACTION.get(n, 0.27) + LONG_EXTRA.get(c.cls, 0.0)
        want = lf * budget
        if not cutback and phase in ("base", "build", "peak", "general"):
            # hold the long run the runner already handles (no regression outside cutback/taper)
            want = max(want, min((longest_30d_m or 0.0) / 1000.0, 0.45 * budget))
        km[long_day] = max(
            0.0, min(want, LONG_CAP_KM[c.cls], cap_for(long_day, pace_easy * LONG_PACE_FACTOR))
        )
    for d in run_days:
        t = types[d]
        if t in ("tempo", "intervals", "hills", "race_pace", "progression"):
            frac = (QUALITY_FRACTION_FEW if n <= 3 else QUALITY_FRACTION) if race_day is None else 0.22
            km[d] = min(frac * budget, cap_for(d, pace_easy * 0.9))
    easy_days = [d for d in run_days if types[d] in ("easy", "strides")]
    used = sum(v for d, v in km.items() if types.get(d) != "race")
    if easy_days:
        each = max(0.0, budget - used) / len(easy_days)
        for d in easy_days:
            km[d] = min(each, cap_for(d, pace_easy))
            if race_day is not None and d == race_day.weekday() - 1:
                km[d] = min(km[d], 0.5 * each)
            if race_day is not None and d > race_day.weekday():
                km[d] = min(km[d], 0.5 * each)
    if has_long and long_day is not None and not cutback and phase in ("base", "build", "peak", "general"):
        left = budget - sum(v for d, v in km.items() if types.get(d) != "race")
        if left > 0.05:
            km[long_day] = max(
                km[long_day],
                min(
                    km[long_day] + left,
                    LONG_SHARE_MAX * budget,
                    LONG_CAP_KM[c.cls],
                    cap_for(long_day, pace_easy * LONG_PACE_FACTOR),
                ),
            )
    # a long run shorter than an easy run is not a long run
    if has_long and long_day is not None and easy_days:
        if km[long_day] < 1.15 * max(km[d] for d in easy_days):
            types[long_day] = "easy"
    sessions: list[PlannedSession] = []
    for d in sorted(run_days):
        t = types[d]
        k = km.get(d, 0.0)
        if k < 1.0 and t != "race":
            continue
        pace = pace_easy * (
            LONG_PACE_FACTOR if t == "long" else 0.9 if t in HARD_DAY_TYPES and t != "race" else 1.0
        )
        if t == "race" and c.paces is not None and goal.distance_m:
            pace = 0.5 * sum(c.paces.race_pace(goal.distance_m))
        elif t == "race":
            pace = pace_easy * 0.8
        # round down: a run planned at the spike cap must not end up a few metres over it
        k = math.floor(k * 100.0) / 100.0 if t != "race" else k
        sessions.append(
            PlannedSession(week_start + timedelta(days=d), t, round(k, 2), round(k * pace / 60.0, 1))
        )
    return PlanWeek(week_start, phase, round(target, 1), tuple(sessions), cutback, mode)


def build_plan(state: RunnerState, weeks: int | None = None) -> Plan:
    """Weeks from the current week to the race plus recovery (race goal), else 12 weeks.

    Future weeks assume the plan is followed: each week's planned km rolls into the next week's
    four-week window, and the 30-day longest run rolls forward with the planned long runs.
    """
    ctx = _ctx(state)
    start = monday(state.today)
    if weeks is None:
        if state.goal.is_race and state.goal.race_date is not None:
            rec = RECOVERY_DAYS_AFTER[distance_class(state.goal)]
            weeks = max(1, (monday(state.goal.race_date) - start).days // 7 + 1 + math.ceil(rec / 7))
        else:
            weeks = 12
    weeks = max(1, min(weeks, 60))
    weekly = tuple(state.weekly_km_recent[-4:])
    earlier = (*state.weekly_km_earlier, *state.weekly_km_recent[:-4])
    longest: list[tuple[date, float]] = [(state.today, state.longest_run_30d_m or 0.0)]
    out: list[PlanWeek] = []
    dsr = days_since_last_run(state)
    for i in range(weeks):
        ws = start + timedelta(days=7 * i)
        l30 = max((m for d, m in longest if (ws - d).days <= 30), default=0.0)
        w = plan_week(state, ws, weekly, l30, ctx=ctx, days_since_run=dsr, earlier=earlier)
        out.append(w)
        earlier = (*earlier, *weekly[:1])[-8:] if len(weekly) >= 4 else earlier
        weekly = (*weekly[-3:], w.planned_km)
        for s in w.sessions:
            longest.append((s.day, s.distance_km * 1000.0))
    return Plan(state.today, state.goal, tuple(out))


def current_week(state: RunnerState) -> PlanWeek:
    """This week's plan only (what the policy needs; cheap)."""
    return plan_week(
        state,
        monday(state.today),
        tuple(state.weekly_km_recent[-4:]),
        state.longest_run_30d_m,
        days_since_run=days_since_last_run(state),
        earlier=(*state.weekly_km_earlier, *state.weekly_km_recent[:-4]),
    )
