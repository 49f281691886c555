"""Season simulator: the coach (``recommend_today`` every day) vs a fixed textbook plan.

Each simulated runner has individual response parameters and the same life events under both
policies (common random numbers per runner), so the comparison is paired.

Model (assumptions, stated so they can be argued with):

* performance (VDOT) follows a Banister impulse-response model (REFERENCES.md, "Load, fitness and
  fatigue"): ``vdot = vdot0 + k1 (fit - fit0) - k2 (fat - fat0)`` with per-runner k1, k2, tau1, tau2
  and daily load = session RPE x minutes / 100;
* a *stress* state (the HRV depression a hard day leaves) decays with the runner's own recovery
  speed: one hard-day impulse falls to 30 % after ``recovery_days``. Readiness = 72 - 30 stress +
  noise, so the coach sees readiness "from simulated HRV/fatigue". A hard session started while
  stress > 0.6 yields 60 % of its fitness impulse and 130 % of its stress (a variable dose-response
  in the spirit of Busso 2003; the HRV-guided training trials in REFERENCES.md show small effects);
* reported RPE = expected RPE of the type + the runner's RPE offset + 1.5 stress + noise;
* injury hazard of a run = hourly base rate (novice 10, intermediate 7, advanced 5 per 1000 h) x
  hours x the Frandsen 2025 hazard ratio of that run against the longest run of the last 30 days
  (1.64 for 10-30 % longer, 1.52 for 30-100 %, 2.28 beyond) x 3 when running with pain x
  ``PREVIOUS_INJURY_HR`` (1.9) once the runner has been injured this season (Desai et al. 2021,
  JOSPT 51(3): recreational runners with a previous injury, hazard ratio 1.9, 95 % CI 1.2-3.2;
  previous injury is the most consistent risk factor in van der Worp et al. 2015, PLoS One 10(2));
  a niggle (pain, 2-6 days) arises at 3 x that rate; an injury stops running for 14-42 days;
* fatigue per unit load rises with acute:chronic load above 1 (variable dose-response, after
  Busso 2003);
* illness episodes (3-7 days; 60 % above the neck) hit both policies on the same days; nobody runs
  with below-the-neck illness or while injured; the fixed-plan runner runs through a niggle with
  probability ``fixed_runs_through_pain`` (textbook plans carry no pain rule) and runs as planned
  with a head cold;
* both policies live the same days: a session is never longer than the minutes the runner has
  that day (the coach plans within them; a fixed-plan session that would run past them is cut
  at them, the race excepted).

The fixed plan is a standard 16-week plan: weekly volume from a textbook start for the experience
level (not the runner's own base), +4.5 %/week (about +60 % over the build) with every 4th week
at 80 %, long run +1.5 km/week, tempo and intervals on fixed days, 3-week (marathon) or 2-week taper.

``python -m coaching.plan.simulate --runners 200 --json`` prints the figures (seeded);
``--seeds 7,11,3,19,23`` pools several seeds with a bootstrap interval. ``--previous-injury-hr 1``
and ``--fixed-ignores-minutes`` switch the two assumptions above off, for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from coaching.plan.feedback import (
    FeedbackModel,
    PredictionRecord,
    SessionFeedback,
    evaluate,
    log_predictions,
)
from coaching.plan.goals import HALF_MARATHON_M, MARATHON_M, Availability, Constraints, Goal
from coaching.plan.policy import recommend
from coaching.plan.state import RunnerState, SessionSummary
from coaching.plan.workouts import EXPECTED_RPE, HARD_DAY_TYPES, INTENSITY, easy_pace_mid
from coaching.prediction.vdot import race_time_from_vdot

SEASON_START = date(2025, 1, 6)  # a Monday
SEASON_DAYS = 112  # 16 weeks; race on the last Sunday
PRE_SEASON_WEEKS = 6
# Injury hazard ratio once a runner has been injured (Desai et al. 2021; see the module docstring).
PREVIOUS_INJURY_HR = 1.9


def frandsen_hr(distance_m: float, longest_30d_m: float) -> float:
    """Hazard ratio of a single run vs the longest run of the previous 30 days (Frandsen et al. 2025)."""
    if longest_30d_m <= 0:
        return 2.28 if distance_m > 0 else 1.0
    r = distance_m / longest_30d_m
    if r <= 1.10:
        return 1.0
    if r <= 1.30:
        return 1.64
    if r <= 2.0:
        return 1.52
    return 2.28


def run_hazard(
    base_per_h: float,
    minutes: float,
    distance_m: float,
    longest_30d_m: float,
    *,
    with_pain: bool = False,
    injured_before: bool = False,
    previous_injury_hr: float = PREVIOUS_INJURY_HR,
) -> float:
    """Probability of an injury on one run: hourly base rate (per hour of running) x hours x the
    Frandsen hazard ratio x 3 when running with pain x ``previous_injury_hr`` after an injury."""
    hr = frandsen_hr(distance_m, longest_30d_m) * (3.0 if with_pain else 1.0)
    if injured_before:
        hr *= previous_injury_hr
    return base_per_h * minutes / 60.0 * hr


# ----------------------------------------------------------------------------- synthetic histories
def synthetic_history(
    today: date,
    *,
    weeks: int,
    weekly_km: float | Sequence[float],
    run_days: Sequence[int] = (1, 3, 6),
    experience: str = "intermediate",
    vdot: float = 45.0,
    quality_days: Sequence[int] = (),
    long_day: int | None = 6,
    long_share: float = 0.35,
    rpe_shift: float = 0.0,
    gap_days: int = 0,
    seed: int = 0,
) -> list[SessionSummary]:
    """Deterministic run history ending the day before ``today`` (minus ``gap_days`` days off).

    ``weekly_km`` is one value or one per week (oldest first); runs fall on ``run_days`` weekdays,
    the long run on ``long_day`` (``long_share`` of the week), quality sessions on ``quality_days``.
    """
    rng = random.Random(seed)
    e_pace = easy_pace_mid(None, experience) if vdot <= 0 else 1000.0 * 60.0 / _e_speed(vdot)
    vols = (
        [float(weekly_km)] * weeks if isinstance(weekly_km, (int, float)) else [float(x) for x in weekly_km]
    )
    start = today - timedelta(days=7 * len(vols) + gap_days)
    out: list[SessionSummary] = []
    for wi, vol in enumerate(vols):
        ws = start + timedelta(days=7 * wi)
        days = sorted(run_days)
        has_long = long_day is not None and long_day in days and len(days) >= 3
        n_other = len(days) - (1 if has_long else 0)
        long_km = vol * long_share if has_long else 0.0
        other_km = (vol - long_km) / max(1, n_other)
        for wd in range(7):
            d = ws + timedelta(days=(wd - ws.weekday()) % 7)
            if d >= today - timedelta(days=gap_days) or d < ws or wd not in days or vol <= 0:
                continue
            if has_long and wd == long_day:
                wt, km = "long", long_km
            elif wd in quality_days:
                wt, km = ("tempo" if wi % 2 else "intervals"), other_km
            else:
                wt, km = "easy", other_km
            km *= 1.0 + rng.uniform(-0.05, 0.05)
            pace = e_pace * (0.88 if wt in ("tempo", "intervals") else 1.02 if wt == "long" else 1.0)
            rpe = min(10.0, max(1.0, EXPECTED_RPE[wt] + rpe_shift + rng.gauss(0.0, 0.5)))
            out.append(
                SessionSummary(d, "run", km * pace, km * 1000.0, round(rpe, 1), INTENSITY[wt], wt, None)
            )
    out.sort(key=lambda s: s.date)
    return out


def _e_speed(vdot: float) -> float:
    from coaching.plan.paces import training_paces

    p = training_paces(vdot)
    return 60000.0 / (0.5 * (p.easy[0] + p.easy[1]))


# ----------------------------------------------------------------------------- runners
@dataclass
class SimRunner:
    """Individual response parameters of one simulated runner."""

    runner_id: str
    experience: str
    distance_m: float
    vdot0: float
    base_km: float
    k1: float
    k2: float
    tau1: float
    tau2: float
    rpe_offset: float
    recovery_days: float
    injury_base: float
    run_days: tuple[int, ...]
    seed: int


def make_runners(n: int, seed: int = 7) -> list[SimRunner]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        exp = rng.choices(["novice", "intermediate", "advanced"], weights=[0.3, 0.5, 0.2])[0]
        dist = MARATHON_M if rng.random() < 0.5 else HALF_MARATHON_M
        vdot0 = {"novice": 34.0, "intermediate": 42.0, "advanced": 51.0}[exp] + rng.gauss(0, 3)
        std = _textbook_start(dist, exp)
        out.append(
            SimRunner(
                runner_id=f"sim{i:04d}",
                experience=exp,
                distance_m=dist,
                vdot0=vdot0,
                base_km=std * math.exp(rng.gauss(-0.1, 0.35)),
                k1=0.18 * math.exp(rng.gauss(0, 0.3)),
                k2=0.45 * math.exp(rng.gauss(0, 0.3)),
                tau1=max(25.0, rng.gauss(42, 8)),
                tau2=max(3.0, rng.gauss(7, 2)),
                rpe_offset=rng.gauss(0, 1.0),
                recovery_days=rng.uniform(1.0, 4.0),
                injury_base={"novice": 0.010, "intermediate": 0.007, "advanced": 0.005}[exp],
                run_days={
                    "novice": (1, 3, 6),
                    "intermediate": (1, 2, 3, 5, 6),
                    "advanced": (0, 1, 2, 3, 5, 6),
                }[exp],
                seed=rng.randrange(1 << 30),
            )
        )
    return out


def _textbook_start(distance_m: float, exp: str) -> float:
    base = 40.0 if distance_m > 30000 else 30.0
    return base * {"novice": 0.65, "intermediate": 1.0, "advanced": 1.4}[exp]


# ----------------------------------------------------------------------------- the fixed plan
def fixed_plan_session(r: SimRunner, day_index: int) -> tuple[str, float]:
    """(type, km) of the 16-week textbook plan on season day ``day_index`` (0 = Monday of week 1)."""
    week, wd = divmod(day_index, 7)
    if wd not in r.run_days:
        return "rest", 0.0
    marathon = r.distance_m > 30000
    start = _textbook_start(r.distance_m, r.experience)
    if week == 15 and wd == 6:
        return "race", r.distance_m / 1000.0
    build = [start * 1.045**w * (0.8 if w % 4 == 3 else 1.0) for w in range(13)]
    peak = max(build)
    taper = [0.75, 0.6, 0.4] if marathon else [1.0, 0.75, 0.5]
    vol = build[week] if week < 13 else peak * taper[week - 13]
    long_km = min(
        (16.0 if marathon else 12.0) * (0.8 if r.experience == "novice" else 1.0) + 1.5 * week,
        32.0 if marathon else 20.0,
    )
    if week % 4 == 3:
        long_km *= 0.8
    if week >= 13:
        long_km *= taper[week - 13] * (0.0 if week == 15 else 1.0)
    tempo_day, int_day = (1, 3) if r.experience != "novice" else (3, -1)
    days = r.run_days
    if wd == 6:
        return ("long", long_km) if long_km > 0 else ("rest", 0.0)
    q_km = 0.17 * vol
    n_easy = len(days) - 1 - (1 if tempo_day in days else 0) - (1 if int_day in days else 0)
    easy_km = max(3.0, (vol - long_km - q_km * (2 if int_day in days else 1)) / max(1, n_easy))
    if week == 15 and wd >= 4:
        return "easy", min(easy_km, 5.0)
    if wd == tempo_day:
        return ("tempo" if week < 12 else "race_pace"), q_km
    if wd == int_day:
        return "intervals", q_km
    return "easy", easy_km


# ----------------------------------------------------------------------------- simulation
@dataclass
class _Life:
    illness: dict[int, str]
    niggle_u: list[float]
    injury_u: list[float]
    rpe_noise: list[float]
    ready_noise: list[float]
    run_through_u: list[float]
    dur_u: list[float]


def _life(r: SimRunner, days: int) -> _Life:
    rng = random.Random(r.seed)
    illness: dict[int, str] = {}
    d = 0
    while d < days:
        if rng.random() < 1 / 70:
            kind = "above_neck" if rng.random() < 0.6 else "below_neck"
            for k in range(rng.randint(3, 7)):
                illness[d + k] = kind
            d += 10
        d += 1
    return _Life(
        illness,
        [rng.random() for _ in range(days)],
        [rng.random() for _ in range(days)],
        [rng.gauss(0, 0.6) for _ in range(days)],
        [rng.gauss(0, 6.0) for _ in range(days)],
        [rng.random() for _ in range(days)],
        [rng.uniform(2, 6) for _ in range(days)] + [rng.uniform(14, 42) for _ in range(days)],
    )


@dataclass
class SeasonResult:
    runner_id: str
    policy: str
    started: bool
    race_time_s: float | None
    vdot_race: float
    injuries: int
    niggle_days: int
    km_total: float
    predictions: list[PredictionRecord] = field(default_factory=list)
    sessions: list[SessionSummary] = field(default_factory=list)  # the runs of the season


def simulate_runner(
    r: SimRunner,
    policy: str,
    *,
    fixed_runs_through_pain: float = 0.5,
    learn: bool = True,
    previous_injury_hr: float = PREVIOUS_INJURY_HR,
    fixed_within_minutes: bool = True,
) -> SeasonResult:
    """Run one season for ``r`` under ``policy`` ("coach" or "fixed").

    ``fixed_within_minutes``: a fixed-plan session is cut at the runner's available minutes that
    day (the race excepted); ``previous_injury_hr``: see :func:`run_hazard`.
    """
    days = SEASON_DAYS
    life = _life(r, days)
    race_date = SEASON_START + timedelta(days=days - 1)
    goal = Goal.race(r.distance_m, race_date)
    minutes = {wd: (150.0 if wd == 6 else 90.0 if wd == 5 else 60.0) for wd in r.run_days}
    av = Availability(frozenset(r.run_days), 60.0, minutes, 6)
    hist = synthetic_history(
        SEASON_START,
        weeks=PRE_SEASON_WEEKS,
        weekly_km=r.base_km,
        run_days=r.run_days,
        experience=r.experience,
        vdot=r.vdot0,
        quality_days=() if r.experience == "novice" else (2,),
        long_share=0.3,
        rpe_shift=r.rpe_offset,
        seed=r.seed,
    )
    e_pace = 60000.0 / _e_speed(r.vdot0)
    # steady-state Banister components from the pre-season load
    daily0 = sum(s.duration_s / 60.0 * (s.rpe or 3.0) for s in hist) / (7 * PRE_SEASON_WEEKS) / 100.0
    fit0 = daily0 / (1 - math.exp(-1 / r.tau1))
    fat0 = daily0 / (1 - math.exp(-1 / r.tau2))
    fit, fat = fit0, fat0
    stress = 0.0
    decay = 0.3 ** (1.0 / r.recovery_days)
    sessions: list[SessionSummary] = list(hist)
    ewma7 = ewma28 = ewma42 = daily0 * 100.0
    niggle_left = 0
    injured_left = 0
    injuries = niggle_days = 0
    km_total = 0.0
    feedback: list[SessionFeedback] = []
    recov_obs: list[float] = []
    model = FeedbackModel()
    preds: list[PredictionRecord] = []
    pending_recovery: list[tuple[int, PredictionRecord | None]] = []
    ready_hist: list[float] = []
    vdot_est = r.vdot0
    weekly: tuple[float, ...] = ()
    earlier: tuple[float, ...] = ()
    perf = race_morning = r.vdot0
    for i in range(days):
        today = SEASON_START + timedelta(days=i)
        ill = life.illness.get(i)
        if i == days - 1:
            race_morning = perf  # race performance: fitness and fatigue before the race's own load
        readiness = max(0.0, min(100.0, 72.0 - 30.0 * stress + life.ready_noise[i]))
        ready_hist.append(readiness)
        # resolve recovery outcomes (days until readiness back within 8 points of 72)
        still = []
        for d0, rec in pending_recovery:
            if readiness >= 64.0 and i > d0:
                recov_obs.append(float(i - d0))
                if rec is not None:
                    preds.append(rec.with_outcome(float(i - d0)))
            elif i - d0 < 8:
                still.append((d0, rec))
        pending_recovery = still
        # choose today's session
        wtype, km, minutes_run = "rest", 0.0, 0.0
        if policy == "coach":
            longest = max(
                (s.distance_m for s in sessions if s.is_run and 0 < (today - s.date).days <= 30), default=0.0
            )
            if i % 7 == 0:  # Monday: the twelve calendar weeks before this one (oldest first)
                weeks12 = tuple(
                    sum(
                        s.distance_m
                        for s in sessions
                        if s.is_run and 7 * (11 - k) < (today - s.date).days <= 7 * (12 - k)
                    )
                    / 1000.0
                    for k in range(12)
                )
                weekly, earlier = weeks12[8:], weeks12[:8]
            acwr = ewma7 / ewma28 if ewma28 > 1e-6 else None
            risk_p = min(0.9, 0.04 + 0.15 * max(0.0, (acwr or 1.0) - 1.0) + (0.25 if niggle_left else 0.0))
            if learn and i % 7 == 0 and feedback:
                model = FeedbackModel().fit(feedback, recov_obs)
            if i % 28 == 0:
                vdot_est = round(perf, 1)
            state = RunnerState(
                today=today,
                readiness_score=readiness,
                readiness_band="ready"
                if readiness >= 75
                else "normal"
                if readiness >= 55
                else "caution"
                if readiness >= 40
                else "rest",
                risk_probability=risk_p,
                risk_band="low" if risk_p < 0.1 else "moderate" if risk_p < 0.2 else "high",
                fitness=ewma42,
                fatigue=ewma7,
                form=ewma42 - ewma7,
                acwr=acwr,
                longest_run_30d_m=longest,
                weekly_km_recent=weekly,
                weekly_km_earlier=earlier,
                recent_sessions=tuple(s for s in sessions if 0 < (today - s.date).days <= 14),
                vdot=vdot_est,
                pain_area="calf" if niggle_left and not injured_left else None,
                pain_days=3 if niggle_left else 0,
                illness=ill,
                experience=r.experience,
                goal=goal,
                availability=av,
                personal=model.params_ if learn else None,
            )
            if injured_left:
                state = replace(state, constraints=Constraints(no_running_until_pain_resolves=True))
            w = recommend(state).workout
            if w.is_run:
                wtype, minutes_run = w.type, w.duration_min
                km = w.distance_km or minutes_run * 60.0 / e_pace
            if w.type != "rest":
                for p in log_predictions(r.runner_id, today, w, model):
                    if p.kind == "recovery_days":
                        pending_recovery.append((i, p))
                    else:
                        preds.append(p)  # rpe outcome attached below
        else:
            wtype, km = fixed_plan_session(r, i)
            if wtype == "race":
                minutes_run = race_time_from_vdot(perf, r.distance_m) / 60.0
            else:
                pace = e_pace * (0.88 if wtype in ("tempo", "intervals", "race_pace") else 1.0)
                minutes_run = km * pace / 60.0
                have = minutes.get(today.weekday(), 0.0)
                if fixed_within_minutes and minutes_run > have > 0.0:
                    km *= have / minutes_run  # the runner stops when their time is up
                    minutes_run = have
            if ill in ("below_neck", "fever") or injured_left:
                wtype, km, minutes_run = "rest", 0.0, 0.0
            elif niggle_left and life.run_through_u[i] >= fixed_runs_through_pain:
                wtype, km, minutes_run = "rest", 0.0, 0.0
        # safety for both: nobody runs while injured / below-neck ill
        if injured_left or ill in ("below_neck", "fever"):
            if wtype != "rest":
                wtype, km, minutes_run = "rest", 0.0, 0.0
        load = 0.0
        if wtype != "rest" and km > 0:
            longest = max(
                (s.distance_m for s in sessions if s.is_run and 0 < (today - s.date).days <= 30), default=0.0
            )
            hazard = run_hazard(
                r.injury_base,
                minutes_run,
                km * 1000.0,
                longest,
                with_pain=bool(niggle_left),
                injured_before=injuries > 0,
                previous_injury_hr=previous_injury_hr,
            )
            if life.injury_u[i] < hazard and wtype != "race":
                injuries += 1
                injured_left = int(life.dur_u[days + i])
                niggle_left = 0
            elif not niggle_left and life.niggle_u[i] < 3.0 * hazard:
                niggle_left = int(life.dur_u[i])
            rpe = min(
                10.0, max(1.0, EXPECTED_RPE.get(wtype, 3.0) + r.rpe_offset + 1.5 * stress + life.rpe_noise[i])
            )
            load = rpe * minutes_run / 100.0
            hard = wtype in HARD_DAY_TYPES
            eff = 0.6 if (hard and stress > 0.6) else 1.0
            fit += load * eff
            # variable dose-response (Busso 2003): fatigue per unit load rises when recent load is
            # above what the runner is used to (acute EWMA above chronic)
            fat += load * (1.0 + max(0.0, ewma7 / max(ewma28, 1e-6) - 1.0))
            stress += (
                1.0
                if wtype in ("tempo", "intervals", "hills", "race_pace", "race")
                else 0.8 * minutes_run / 90.0
                if wtype in ("long", "progression")
                else 0.1
            ) * (1.3 if hard and stress > 0.6 else 1.0)
            km_total += km
            sessions.append(
                SessionSummary(
                    today,
                    "run",
                    minutes_run * 60.0,
                    km * 1000.0,
                    round(rpe, 1),
                    INTENSITY.get(wtype, "easy"),
                    wtype,
                )
            )
            feedback.append(SessionFeedback(today, wtype, EXPECTED_RPE.get(wtype, 3.0), rpe))
            if policy == "coach" and preds and preds[-1].kind == "rpe" and preds[-1].target_date == today:
                preds[-1] = preds[-1].with_outcome(rpe)
        elif policy == "coach" and preds and preds[-1].kind == "rpe" and preds[-1].target_date == today:
            preds.pop()  # prescribed but not run (cross-training): no RPE outcome simulated
        if niggle_left:
            niggle_days += 1
            niggle_left = niggle_left - 1 if wtype == "rest" or km == 0 else niggle_left
        if injured_left:
            injured_left -= 1
        # daily dynamics
        fit *= math.exp(-1.0 / r.tau1)
        fat *= math.exp(-1.0 / r.tau2)
        stress = stress * decay + 0.5 * max(0.0, ewma7 / max(ewma28, 1e-6) - 1.3) * 0.2
        l100 = load * 100.0
        ewma7 += 2 / 8 * (l100 - ewma7)
        ewma28 += 2 / 29 * (l100 - ewma28)
        ewma42 += 2 / 43 * (l100 - ewma42)
        perf = r.vdot0 + r.k1 * (fit - fit0) - r.k2 * (fat - fat0)
    started = injured_left == 0 and life.illness.get(days - 1) not in ("below_neck", "fever")
    vdot_race = race_morning
    return SeasonResult(
        r.runner_id,
        policy,
        started,
        race_time_from_vdot(vdot_race, r.distance_m) if started else None,
        vdot_race,
        injuries,
        niggle_days,
        km_total,
        preds,
        [x for x in sessions if x.date >= SEASON_START],
    )


@dataclass(frozen=True)
class World:
    """The simulated world's assumptions that are argued with (see the module docstring)."""

    fixed_runs_through_pain: float = 0.5
    previous_injury_hr: float = PREVIOUS_INJURY_HR
    fixed_within_minutes: bool = True


def seasons(
    n_runners: int, seed: int, world: World = World()
) -> tuple[list[SimRunner], list[SeasonResult], list[SeasonResult]]:
    """(runners, coach seasons, fixed-plan seasons) for ``n_runners`` runners of ``seed``."""
    runners = make_runners(n_runners, seed)
    coach = [simulate_runner(r, "coach", previous_injury_hr=world.previous_injury_hr) for r in runners]
    fixed = [
        simulate_runner(
            r,
            "fixed",
            fixed_runs_through_pain=world.fixed_runs_through_pain,
            previous_injury_hr=world.previous_injury_hr,
            fixed_within_minutes=world.fixed_within_minutes,
        )
        for r in runners
    ]
    return runners, coach, fixed


def _pct_diffs(
    runners: Sequence[SimRunner], coach: Sequence[SeasonResult], fixed: Sequence[SeasonResult]
) -> list[tuple[SimRunner, float]]:
    """Race time of the coach's runner vs the same runner on the fixed plan, percent, for every
    runner who started the race under both policies."""
    return [
        (r, 100.0 * ((c.race_time_s or 0.0) / (f.race_time_s or 1.0) - 1.0))
        for r, c, f in zip(runners, coach, fixed, strict=True)
        if c.started and f.started
    ]


def run(n_runners: int = 200, seed: int = 7, world: World = World()) -> dict[str, object]:
    """Simulate ``n_runners`` seasons under both policies; figures as a JSON-ready dict."""
    runners, coach, fixed = seasons(n_runners, seed, world)
    res = {"coach": coach, "fixed": fixed}
    out: dict[str, object] = {"runners": n_runners, "seed": seed, "season_days": SEASON_DAYS}
    for p, rs in res.items():
        started = [x for x in rs if x.started]
        out[p] = {
            "started": len(started),
            "injured_runners": sum(1 for x in rs if x.injuries),
            "injuries": sum(x.injuries for x in rs),
            "niggle_days": sum(x.niggle_days for x in rs),
            "mean_vdot_gain": sum(x.vdot_race - rr.vdot0 for x, rr in zip(rs, runners, strict=True))
            / len(rs),
            "mean_km_per_week": sum(x.km_total for x in rs) / len(rs) / (SEASON_DAYS / 7),
        }
    both = [(c, f) for c, f in zip(coach, fixed, strict=True) if c.started and f.started]
    out["paired_starters"] = len(both)
    out["mean_time_diff_s_coach_minus_fixed"] = (
        sum((c.race_time_s or 0.0) - (f.race_time_s or 0.0) for c, f in both) / len(both) if both else 0.0
    )
    diffs = [d for _, d in _pct_diffs(runners, coach, fixed)]
    out["mean_pct_time_diff"] = sum(diffs) / len(diffs) if diffs else 0.0
    after = SEASON_START + timedelta(days=56)
    recs = [p for x in coach for p in x.predictions if p.target_date >= after]
    out["predictions_after_8_weeks"] = evaluate(recs)
    return out


def pooled(
    seeds: Sequence[int], n_runners: int = 200, world: World = World(), resamples: int = 2000
) -> dict[str, object]:
    """Several seeds pooled: the mean percent race-time difference (coach minus fixed plan) over
    all paired starters with a percentile bootstrap 95 % interval (resampling runners), per seed
    and by experience; injuries and starters per policy."""
    diffs: list[float] = []
    by_exp: dict[str, list[float]] = {}
    per_seed: dict[str, object] = {}
    totals = {"coach": {"injuries": 0, "started": 0}, "fixed": {"injuries": 0, "started": 0}}
    for seed in seeds:
        runners, coach, fixed = seasons(n_runners, seed, world)
        paired = _pct_diffs(runners, coach, fixed)
        d = [x for _, x in paired]
        diffs.extend(d)
        for r, x in paired:
            by_exp.setdefault(r.experience, []).append(x)
        seed_fig: dict[str, object] = {"mean_pct_time_diff": sum(d) / len(d) if d else 0.0}
        for name, rs in (("coach", coach), ("fixed", fixed)):
            inj, st = sum(x.injuries for x in rs), sum(1 for x in rs if x.started)
            seed_fig[name] = {"injuries": inj, "started": st}
            totals[name]["injuries"] += inj
            totals[name]["started"] += st
        per_seed[str(seed)] = seed_fig
    rng = random.Random(0)
    means = (
        sorted(sum(rng.choices(diffs, k=len(diffs))) / len(diffs) for _ in range(resamples))
        if diffs
        else [0.0]
    )
    lo, hi = means[int(0.025 * (len(means) - 1))], means[int(0.975 * (len(means) - 1))]
    return {
        "seeds": list(seeds),
        "runners_per_seed": n_runners,
        "world": {
            "fixed_runs_through_pain": world.fixed_runs_through_pain,
            "previous_injury_hr": world.previous_injury_hr,
            "fixed_within_minutes": world.fixed_within_minutes,
        },
        "paired_starters": len(diffs),
        "mean_pct_time_diff": sum(diffs) / len(diffs) if diffs else 0.0,
        "pct_time_diff_95ci": [lo, hi],
        "by_experience": {
            e: {"n": len(v), "mean_pct_time_diff": sum(v) / len(v)} for e, v in sorted(by_exp.items())
        },
        "per_seed": per_seed,
        **totals,
    }


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--runners", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seeds", help="comma-separated seeds to pool, e.g. 7,11,3,19,23")
    ap.add_argument("--previous-injury-hr", type=float, default=PREVIOUS_INJURY_HR)
    ap.add_argument("--fixed-ignores-minutes", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    world = World(previous_injury_hr=a.previous_injury_hr, fixed_within_minutes=not a.fixed_ignores_minutes)
    if a.seeds:
        out = pooled([int(x) for x in a.seeds.split(",")], a.runners, world)
    else:
        out = run(a.runners, a.seed, world)
    print(json.dumps(out, indent=None if a.json else 2, default=float))


if __name__ == "__main__":
    main()
