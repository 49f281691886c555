"""Today's choice: candidate workouts filtered by safety rules and scored by an interpretable policy.

Rules (hard gates; a blocked candidate is never offered):

==========================  =====================================================================
condition                   effect
==========================  =====================================================================
fever / below the neck      rest only
above the neck              easy or recovery only, <= 60 % of planned and <= 30 min
pain reported / stop flag   no running; cross-training (pain-free only) or rest; professional
                            advice flag when pain is sharp or has lasted > 3 days
no time today               rest (cross-training if >= 20 min)
readiness band "rest"       rest, recovery or cross-training
readiness band "caution"    no hard day (quality or long): easy running instead (sizing below)
risk band "high"            no hard day; volume x 0.75
hard day < 48 h ago         no hard day (gap = max(2, personal recovery days) days, at most 3)
race in 1-2 days            no hard day; race in <= 7 days: no long run
back from a long break      no quality, no long run (periodisation.return_kind: 14+ days off)
back from a short break     no quality that week; no long run on the first run back (6-13 days)
novice before peak          no intervals
minutes < type minimum      type not offered (MIN_MINUTES)
==========================  =====================================================================

Score of a feasible candidate, in policy points (each term is reported as a Factor contribution):

=====================  =================================================================
term                   value
=====================  =================================================================
plan_intent            +3 for the planned type, +1.5 same family (quality / easy-running)
base                   easy +0.6, recovery +0.3, strides +0.4, cross +0.1, rest 0
readiness              r = clip((score - 65) / 15, -2, 1.5): hard x1.0 r, long x0.5 r,
                       rest -0.5 r - 0.5; band "rest": recovery -0.4 r and rest +2
rpe_drift              d = mean(reported - expected - personal offset) over the last 7 days:
                       hard -1.0 d, long -0.5 d, recovery +0.3 d (d > 0 only)
tired (rpe_drift or    band caution/rest AND the runner feels it — d >= 1.0, or the readiness
wellness)              wellness factor <= -7 points (fatigue and soreness worse than usual):
                       recovery +2
form                   form/fitness < -0.25: hard -4 x (deficit), long -2 x (deficit)
risk                   p > 0.15: hard -5 (p - 0.15), long -3 (p - 0.15)
=====================  =================================================================

Ties break by the order: rest, cross_training, recovery, easy, strides, long, ... (safer first).

Caution band (below the readiness band). HRV-guided training prescribes *low-intensity* training
when the 7-day HRV is below the individual band and hard training inside it (Kiviniemi 2007;
Vesterinen 2016; Javaloyes 2019; REFERENCES.md "Readiness and recovery"): it swaps intensity, not
volume. So a caution morning turns a quality session into an easy run of ``CAUTION_KEEP_DEFAULT``
(90 %) of its planned minutes and a long run into an easy run of ``CAUTION_KEEP["long"]`` (80 %) —
the long run is the week's largest single load — still under the single-run spike cap (Frandsen
2025) and the minutes available; a planned easy run keeps 90 %. The short (<= 35 min) recovery
jog is for the "rest" band, or when the runner also *feels* it (RPE drift, Foster 2001 session
RPE; Hooper-style fatigue/soreness, Hooper & Mackinnon 1995 — subjective measures track load
sensitively, Saw et al. 2016). Readiness shapes the day only; the week's target comes from
training history (:mod:`coaching.plan.periodisation`).

Hard-day gap. At least 48 h between hard days (quality, long run, race) for everyone; a runner whose
learned recovery time (:mod:`coaching.plan.feedback`) is longer gets that many days, up to
``PERSONAL_GAP_MAX_DAYS`` (72 h). Cardiac parasympathetic (HRV) recovery takes about 24-48 h after
threshold work and up to 48-72 h after high-intensity work (Stanley, Peake & Buchheit 2013, Sports
Med 43: 1259-1277), so 72 h covers the slow end of normal recovery from one session; a longer
learned time mostly reflects accumulated fatigue, which the morning's readiness band sees on the
day itself (HRV-guided training: the day's reading decides, Kiviniemi 2007; Vesterinen 2016).

Sizing against the single-run spike cap (1.10 x the longest run of the last 30 days, Frandsen et al.
2025) is checked on the workout as prescribed — its distance, with the long run's pace
(:data:`coaching.plan.workouts.LONG_PACE_FACTOR`) and rounding — not only on the planned minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from coaching.factors import Factor, top_factors
from coaching.plan.paces import paces_for
from coaching.plan.periodisation import (
    RETURN_FLOOR_LONG_KM,
    SHORT_BREAK_DAYS,
    SPIKE_LIMIT,
    PlannedSession,
    PlanWeek,
    current_week,
    days_since_last_run,
    latest_break_days,
    return_kind,
    rpe_drift,
)
from coaching.plan.state import PersonalParams, RunnerState
from coaching.plan.workouts import (
    HARD_DAY_TYPES,
    LONG_PACE_FACTOR,
    MIN_MINUTES,
    QUALITY_TYPES,
    WORKOUT_TYPES,
    Workout,
    build_workout,
    easy_pace_mid,
)

GATE = -5.0  # contribution reported for a rule that blocked the planned session
EASY_FAMILY = frozenset({"easy", "recovery", "strides"})
ORDER = {t: i for i, t in enumerate(WORKOUT_TYPES)}
BASE = {"easy": 0.6, "recovery": 0.3, "strides": 0.4, "cross_training": 0.1}
PRO_ADVICE_PAIN_DAYS = 3
# Caution band: share of the planned minutes kept, as easy running (a long run is the week's largest
# single load, so it gives up a little more). HRV-guided training swaps intensity, not volume.
CAUTION_KEEP = {"long": 0.8}
CAUTION_KEEP_DEFAULT = 0.9
# Below the band AND feeling it: recovery jog. RPE drift in CR-10 points (7 days); wellness is the
# readiness module's Hooper-style contribution (fatigue -4, soreness -3 per step worse than usual).
TIRED_RPE_DRIFT = 1.0
TIRED_WELLNESS = -7.0
TIRED_RECOVERY = 2.0
RECOVERY_MAX_MIN = 35.0
# The learned recovery time widens the gap between hard days up to 72 h; beyond that the morning's
# readiness decides (see "Hard-day gap" in the module docstring).
PERSONAL_GAP_MAX_DAYS = 3


def reason_role(f: Factor) -> str:
    """How a reason acted on the choice: "gate" (a rule that ruled the planned session out), "size"
    (it changed the session's length: ``contribution`` is the fraction added or taken off) or "score"
    (policy points for the chosen session)."""
    if f.contribution == GATE:
        return "gate"
    if f.detail.get("effect") == "volume":
        return "size"
    return "score"


def factor_json(f: Factor) -> dict[str, object]:
    return {
        "key": f.key,
        "value": None if f.value is None else round(f.value, 3),
        "unit": f.unit,
        "contribution": round(f.contribution, 3),
        "usual": list(f.usual) if f.usual else None,
        "detail": dict(f.detail),
    }


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Today's workout, why (Factors in policy points), and what would change it.

    ``would_change`` items are machine-readable: ``{"key", "params", "then", "when"}``; templates
    render them. ``flags`` carries advice markers such as ``"see_professional"``.
    """

    workout: Workout
    reasons: tuple[Factor, ...]
    would_change: tuple[dict[str, object], ...]
    plan_intent: str
    alternatives: tuple[Workout, ...]
    flags: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "workout": self.workout.to_json(),
            "reasons": [{**factor_json(f), "role": reason_role(f)} for f in self.reasons],
            "would_change": [dict(w) for w in self.would_change],
            "plan_intent": self.plan_intent,
            "alternatives": [w.to_json() for w in self.alternatives],
            "flags": list(self.flags),
        }


def _wc(key: str, then: str, when: str = "tomorrow", **params: object) -> dict[str, object]:
    return {"key": key, "params": params, "then": then, "when": when}


def _rpe_drift(state: RunnerState) -> tuple[float | None, int]:
    """RPE drift over the 7 days before today (see :func:`coaching.plan.periodisation.rpe_drift`)."""
    return rpe_drift(state, state.today - timedelta(days=7), state.today)


def _wellness_points(state: RunnerState) -> float | None:
    """The readiness module's wellness contribution (Hooper-style items), if reported."""
    for f in state.readiness_factors:
        if f.key == "wellness":
            return f.contribution
    return None


def recommend(state: RunnerState, week: PlanWeek | None = None) -> Recommendation:
    """Today's recommendation for ``state`` (see the module docstring for the rules and scores)."""
    today = state.today
    personal = state.personal or PersonalParams()
    week = week or current_week(state)
    planned: PlannedSession | None = week.session_on(today)
    intent = planned.type if planned else "rest"
    paces = paces_for(state.vdot, state.threshold_pace_s_per_km)
    e_pace = easy_pace_mid(paces, state.experience, personal.easy_pace_offset_s_per_km)
    cons, goal = state.constraints, state.goal

    # ---- context numbers
    minutes = 0.0 if today in cons.unavailable else state.availability.minutes_on(today)
    if cons.today_max_minutes is not None and today not in cons.unavailable:
        minutes = cons.today_max_minutes if minutes == 0.0 else min(minutes, cons.today_max_minutes)
    days_to_race = (goal.race_date - today).days if goal.is_race and goal.race_date else None
    hard_dates = [s.date for s in state.recent_sessions if s.is_hard_day and s.date < today]
    last_hard = max(hard_dates) if hard_dates else None
    gap_days = (
        max(2, min(PERSONAL_GAP_MAX_DAYS, math.ceil(personal.recovery_days - 0.25))) if personal.recovery_n else 2
    )
    days_since_hard = (today - last_hard).days if last_hard else None
    dsr = days_since_last_run(state)
    kind = return_kind(tuple(state.weekly_km_recent[-4:]), dsr, latest_break_days(state))
    first_run_back = dsr is None or dsr - 1 >= SHORT_BREAK_DAYS
    drift, _n_drift = _rpe_drift(state)
    wellness = _wellness_points(state)
    below_band = state.readiness_band in ("caution", "rest")
    tired_key = (
        "wellness"
        if wellness is not None and wellness <= TIRED_WELLNESS
        else "rpe_drift"
        if drift is not None and drift >= TIRED_RPE_DRIFT
        else None
    )
    pain = state.pain_area is not None or cons.no_running_until_pain_resolves
    spike_cap_km = (state.longest_run_30d_m or 0.0) / 1000.0 * SPIKE_LIMIT
    if spike_cap_km <= 0.0:
        spike_cap_km = RETURN_FLOOR_LONG_KM.get(state.experience, 5.0)

    allowed = set(WORKOUT_TYPES) - {"race"}
    gates: list[Factor] = []
    would: list[dict[str, object]] = []
    flags: list[str] = []

    def block(types: set[str] | frozenset[str], f: Factor) -> None:
        hit = intent in types and intent in allowed
        allowed.difference_update(types)
        if hit:
            gates.append(f)

    # ---- hard gates
    if days_to_race == 0:
        allowed = {"race", "rest"}
    if state.illness in ("below_neck", "fever"):
        allowed = {"rest"}
        gates.append(
            Factor("illness", None, "", GATE, detail={"kind": state.illness, "rule": "rest_below_neck"})
        )
        would.append(_wc("symptoms_resolved", "easy", "after", days=1, illness=state.illness))
    elif state.illness == "above_neck":
        allowed.intersection_update({"rest", "easy", "recovery", "race"})
        gates.append(
            Factor("illness", None, "", GATE, detail={"kind": "above_neck", "rule": "easy_shortened"})
        )
        would.append(_wc("symptoms_resolved", intent if intent != "rest" else "easy", "after", days=1))
    if pain:
        pf = Factor(
            "pain_days",
            float(state.pain_days),
            "days",
            GATE,
            detail={
                "area": state.pain_area or "unknown",
                "sharp": "yes" if state.pain_sharp else "no",
                "rule": "no_running_with_pain",
            },
        )
        allowed.intersection_update({"rest", "cross_training"})
        gates.append(pf)
        if cons.no_running_until_pain_resolves:  # the runner said: not until it is better
            would.append(_wc("pain_resolved", "easy", "after", area=state.pain_area or "unknown"))
        else:
            would.append(_wc("pain_free_days", "easy", "after", days=2))
        if state.pain_sharp or state.pain_days > PRO_ADVICE_PAIN_DAYS:
            flags.append("see_professional")
            would.append(
                _wc("see_professional", "rest", "now", pain_days=state.pain_days, sharp=state.pain_sharp)
            )
    if minutes < 15.0:
        block(
            set(WORKOUT_TYPES) - {"rest", "race"},
            Factor("minutes_available", minutes, "min", GATE, detail={"rule": "no_time"}),
        )
    if state.readiness_band == "rest":
        block(
            set(WORKOUT_TYPES) - {"rest", "recovery", "cross_training"},
            Factor("readiness", state.readiness_score, "points", GATE, detail={"band": "rest"}),
        )
    elif state.readiness_band == "caution":
        block(
            HARD_DAY_TYPES - {"race"},
            Factor("readiness", state.readiness_score, "points", GATE, detail={"band": "caution"}),
        )
    if state.risk_band == "high":
        block(
            HARD_DAY_TYPES - {"race"},
            Factor("injury_risk", state.risk_probability, "probability", GATE, detail={"band": "high"}),
        )
    if days_since_hard is not None and days_since_hard < gap_days:
        block(
            HARD_DAY_TYPES - {"race"},
            Factor(
                "days_since_hard",
                float(days_since_hard),
                "days",
                GATE,
                detail={"rule": "min_gap_between_hard", "gap_days": float(gap_days)},
            ),
        )
    if days_to_race is not None and 0 < days_to_race <= 2:
        block(
            HARD_DAY_TYPES - {"race"},
            Factor("days_to_race", float(days_to_race), "days", GATE, detail={"rule": "race_eve"}),
        )
    if days_to_race is not None and 0 < days_to_race <= 7:
        block({"long"}, Factor("days_to_race", float(days_to_race), "days", GATE, detail={"rule": "taper"}))
        block(
            {"intervals", "hills", "tempo", "progression"},
            Factor("days_to_race", float(days_to_race), "days", GATE, detail={"rule": "taper"}),
        )
    if kind == "long" or (kind == "short" and first_run_back):
        block(
            (QUALITY_TYPES | {"long"}) - {"race"},
            Factor(
                "return_from_break",
                float(dsr or 0),
                "days",
                GATE,
                detail={"rule": "easy_only_after_break", "break": kind},
            ),
        )
    elif kind == "short":
        block(
            QUALITY_TYPES - {"race"},
            Factor(
                "return_from_break",
                float(dsr or 0),
                "days",
                GATE,
                detail={"rule": "no_quality_first_week_back", "break": kind},
            ),
        )
    if state.experience == "novice" and week.phase not in ("peak", "taper"):
        block(
            {"intervals"},
            Factor("experience", None, "", GATE, detail={"level": "novice", "rule": "no_intervals"}),
        )
    for t in list(allowed):
        if t != "race" and minutes < MIN_MINUTES[t]:
            block(
                {t},
                Factor(
                    "minutes_available",
                    minutes,
                    "min",
                    GATE,
                    detail={"rule": "too_short_for", "type": t, "needs": MIN_MINUTES[t]},
                ),
            )
    if spike_cap_km * e_pace / 60.0 < MIN_MINUTES["long"]:
        block(
            {"long"},
            Factor(
                "longest_run_30d",
                state.longest_run_30d_m,
                "m",
                GATE,
                detail={"rule": "single_run_spike", "cap_m": round(spike_cap_km * 1000.0)},
            ),
        )
    if not allowed:
        allowed = {"rest"}
    # any rule other than readiness that keeps a hard day off today (those size the day themselves)
    other_hard_block = (
        state.illness is not None
        or pain
        or state.risk_band == "high"
        or (days_since_hard is not None and days_since_hard < gap_days)
        or (days_to_race is not None and 0 < days_to_race <= 7)
        or kind is not None
    )

    # ---- scoring
    r = None if state.readiness_score is None else max(-2.0, min(1.5, (state.readiness_score - 65.0) / 15.0))
    form_def = 0.0
    if state.form is not None and state.fitness and state.fitness > 0:
        form_def = max(0.0, -0.25 - state.form / state.fitness)
    risk_ex = max(0.0, (state.risk_probability or 0.0) - 0.15)

    def terms(t: str) -> dict[str, float]:
        hard = t in QUALITY_TYPES and t != "race"
        out: dict[str, float] = {}
        if t == intent:
            out["plan_intent"] = 3.0
        elif (intent in QUALITY_TYPES and t in QUALITY_TYPES) or (intent in EASY_FAMILY and t in EASY_FAMILY):
            out["plan_intent"] = 1.5
        if t in BASE:
            out["base"] = BASE[t]
        if r is not None:
            v = (
                r
                if hard
                else 0.5 * r
                if t == "long"
                else -0.4 * r
                if t == "recovery" and state.readiness_band == "rest"
                else (-0.5 * r - 0.5)
                if t == "rest"
                else 0.0
            )
            if state.readiness_band == "rest" and t == "rest":
                v += 2.0
            if v:
                out["readiness"] = v
        if drift is not None and drift > 0:
            v = -drift if hard else -0.5 * drift if t == "long" else 0.3 * drift if t == "recovery" else 0.0
            if v:
                out["rpe_drift"] = v
        if t == "recovery" and below_band and tired_key is not None:
            out[tired_key] = out.get(tired_key, 0.0) + TIRED_RECOVERY
        if form_def > 0:
            v = -4.0 * form_def if hard else -2.0 * form_def if t == "long" else 0.0
            if v:
                out["form"] = v
        if risk_ex > 0:
            v = -5.0 * risk_ex if hard else -3.0 * risk_ex if t == "long" else 0.0
            if v:
                out["injury_risk"] = v
        if pain and t == "rest" and state.pain_sharp:
            out["pain_sharp"] = 1.0
        if t == "race":
            out["race_day"] = 10.0
        return out

    scored = sorted(((sum(terms(t).values()), t) for t in allowed), key=lambda x: (-x[0], ORDER[x[1]]))
    choice = scored[0][1]

    # ---- sizing
    planned_min = planned.duration_min if planned else 0.0
    # a hard session downgraded for readiness alone keeps (most of) its minutes as easy running
    caution_swap = (
        state.readiness_band == "caution"
        and intent in HARD_DAY_TYPES - {"race"}
        and choice in ("easy", "strides")
        and not other_hard_block
    )
    if choice == intent or planned is None or caution_swap:
        base_min = planned_min
    elif choice in ("easy", "strides"):
        base_min = min(planned_min, 60.0) if planned_min else 40.0
    elif choice == "recovery":
        base_min = min(planned_min or 30.0, RECOVERY_MAX_MIN)
    elif choice == "cross_training":
        base_min = min(planned_min or 40.0, 45.0)
    else:
        base_min = planned_min or 40.0
    if base_min <= 0.0 and choice != "rest":
        base_min = 30.0 if choice in ("easy", "recovery", "cross_training") else MIN_MINUTES.get(choice, 30.0)
    mult = 1.0
    size: list[Factor] = []
    if state.readiness_band == "caution" and choice not in ("rest", "recovery", "race"):
        keep = CAUTION_KEEP.get(intent, CAUTION_KEEP_DEFAULT) if caution_swap else CAUTION_KEEP_DEFAULT
        mult *= keep
        size.append(
            Factor("readiness", state.readiness_score, "points", keep - 1.0, detail={"effect": "volume"})
        )
    if state.risk_band == "high":
        mult *= 0.75
        size.append(
            Factor("injury_risk", state.risk_probability, "probability", -0.25, detail={"effect": "volume"})
        )
    elif state.risk_band == "moderate":
        mult *= 0.9
    mins = base_min * mult
    if state.illness == "above_neck":
        mins = min(mins * 0.6, 30.0)
    run_pace = e_pace * (LONG_PACE_FACTOR if choice == "long" else 0.9 if choice in QUALITY_TYPES else 1.0)
    if choice not in ("rest", "cross_training", "race"):
        cap_min = spike_cap_km * run_pace / 60.0
        if mins > cap_min:
            mins = cap_min
            size.append(
                Factor(
                    "longest_run_30d",
                    state.longest_run_30d_m,
                    "m",
                    -1.0,
                    detail={"effect": "distance_cap", "cap_m": round(spike_cap_km * 1000.0)},
                )
            )
    if choice not in ("rest", "race") and mins > minutes:
        mins = minutes
        size.append(Factor("minutes_available", minutes, "min", -1.0, detail={"effect": "duration_cap"}))
    if choice not in ("rest", "race"):
        mins = max(mins, min(MIN_MINUTES[choice], minutes))

    def make(t: str, m: float) -> Workout:
        return build_workout(
            t,
            m,
            paces=paces,
            hr_max=state.hr_max,
            hr_rest=state.hr_rest,
            experience=state.experience,
            race_distance_m=goal.distance_m,
            rpe_offset=personal.rpe_offset if personal.rpe_n else 0.0,
            easy_pace_offset_s=personal.easy_pace_offset_s_per_km,
        )

    workout = make(choice, mins)
    # the spike cap is checked on the distance the runner is given (structure, paces and rounding
    # included), floored to 10 m: a run "at the cap" must not come out a few metres over it
    cap_floor_km = math.floor(spike_cap_km * 100.0) / 100.0
    if (
        choice not in ("rest", "cross_training", "race")
        and workout.distance_km is not None
        and cap_floor_km > 0.0
        and workout.distance_km > cap_floor_km
    ):
        mins *= cap_floor_km / workout.distance_km
        workout = make(choice, mins)
    alts = tuple(
        make(
            t, min(max(MIN_MINUTES[t], min(mins, 45.0)), max(minutes, MIN_MINUTES[t])) if t != "rest" else 0.0
        )
        for _, t in scored[1:3]
        if t != "race"
    )

    # ---- reasons
    chosen_terms = terms(choice)
    reasons: list[Factor] = []
    if planned is not None or intent == "rest":
        reasons.append(
            Factor(
                "plan_intent",
                planned.distance_km if planned else None,
                "km",
                chosen_terms.get("plan_intent", 0.0),
                detail={"type": intent, "phase": week.phase, "mode": week.mode},
            )
        )
    reasons.extend(gates)
    for k, v in chosen_terms.items():
        if k in ("plan_intent", "base"):
            continue
        value: float | None
        unit = ""
        if k == "readiness":
            value, unit = state.readiness_score, "points"
        elif k == "rpe_drift":
            value, unit = drift, "rpe"
        elif k == "wellness":
            value, unit = wellness, "points"
        elif k == "form":
            value, unit = state.form, "load"
        elif k == "injury_risk":
            value, unit = state.risk_probability, "probability"
        elif k == "race_day":
            value, unit = 0.0, "days"
        else:
            value = None
        reasons.append(
            Factor(k, value, unit, v, detail={"band": state.readiness_band or ""} if k == "readiness" else {})
        )
    reasons.extend(size)
    if (
        days_to_race is not None
        and 0 < days_to_race <= 21
        and not any(f.key == "days_to_race" for f in reasons)
    ):
        reasons.append(Factor("days_to_race", float(days_to_race), "days", 0.5, detail={"phase": week.phase}))
    reasons = top_factors(_dedupe(reasons), 5)

    # ---- would_change (machine-readable)
    if intent in HARD_DAY_TYPES and choice != intent:
        for g in gates:
            if g.key == "readiness":
                hrv_low = any(f.key == "hrv" and f.contribution < 0 for f in state.readiness_factors)
                would.append(
                    _wc(
                        "hrv_back_in_range" if hrv_low else "readiness_at_least",
                        intent,
                        "tomorrow",
                        score=55.0 if state.readiness_band == "caution" else 40.0,
                    )
                )
            elif g.key == "days_since_hard" and last_hard is not None:
                would.append(
                    _wc(
                        "hard_gap_elapsed",
                        intent,
                        (last_hard + timedelta(days=gap_days)).isoformat(),
                        days=gap_days,
                    )
                )
            elif g.key == "injury_risk":
                would.append(_wc("risk_band_not", intent, "tomorrow", band="high"))
            elif g.key == "minutes_available":
                would.append(
                    _wc(
                        "minutes_at_least",
                        intent,
                        "today",
                        minutes=round(max(MIN_MINUTES[intent], planned_min)),
                    )
                )
        if drift is not None and drift > 0.5:
            would.append(_wc("rpe_drift_below", intent, "tomorrow", points=0.5))
    elif choice in QUALITY_TYPES and choice != "race":
        would.append(_wc("readiness_below", "easy", "today", score=55.0))
        would.append(_wc("rpe_drift_above", "easy", "today", points=1.0))
    if not would and choice != "race":
        if choice != intent and state.readiness_band in ("caution", "rest"):
            would.append(_wc("readiness_at_least", intent, "tomorrow", score=60.0))
        elif choice != "rest":
            would.append(_wc("readiness_below", "recovery" if choice != "recovery" else "rest", "today", score=40.0))
    scores = {t: round(s, 3) for s, t in scored}
    return Recommendation(
        workout, tuple(reasons), tuple(_dedupe_dicts(would)), intent, alts, tuple(flags), scores
    )


def _dedupe(fs: list[Factor]) -> list[Factor]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in fs:
        k = (f.key, str(sorted(f.detail.items())))
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def _dedupe_dicts(ds: list[dict[str, object]]) -> list[dict[str, object]]:
    seen: set[str] = set()
    out = []
    for d in ds:
        k = repr(d)
        if k not in seen:
            seen.add(k)
            out.append(d)
    return out
