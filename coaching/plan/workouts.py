"""The workout library: each workout a concrete structure (warm-up, main set, cool-down) as data.

Durations are minutes, distances kilometres, paces s/km ``(fast, slow)``, heart rates bpm
``(low, high)`` from Karvonen zones. Paces come from :mod:`coaching.plan.paces` (Daniels); with no
fitness estimate the structure is prescribed by effort (pace and HR None, ``effort`` on each step).
Expected RPE is on the CR-10 scale (Foster et al. 2001) for a runner with no personal offset.
"""

from __future__ import annotations

from dataclasses import dataclass

from coaching.plan.paces import TrainingPaces, karvonen

WORKOUT_TYPES = (
    "rest",
    "cross_training",
    "recovery",
    "easy",
    "long",
    "progression",
    "tempo",
    "intervals",
    "hills",
    "strides",
    "race_pace",
    "race",
)
RUN_TYPES = frozenset(WORKOUT_TYPES) - {"rest", "cross_training"}
QUALITY_TYPES = frozenset({"progression", "tempo", "intervals", "hills", "race_pace", "race"})
# Sessions that need the 48 h gap on either side: quality sessions and the long run.
HARD_DAY_TYPES = QUALITY_TYPES | {"long"}

INTENSITY = {
    "rest": "rest",
    "cross_training": "easy",
    "recovery": "easy",
    "easy": "easy",
    "strides": "easy",
    "long": "moderate",
    "progression": "moderate",
    "tempo": "hard",
    "intervals": "hard",
    "hills": "hard",
    "race_pace": "hard",
    "race": "race",
}
EXPECTED_RPE = {
    "rest": 0.0,
    "cross_training": 3.0,
    "recovery": 2.0,
    "easy": 3.0,
    "strides": 3.5,
    "long": 4.5,
    "progression": 5.5,
    "tempo": 6.5,
    "intervals": 8.0,
    "hills": 7.5,
    "race_pace": 6.5,
    "race": 9.0,
}
# Shortest duration (min) for which the session still makes sense; below it the type is not offered.
MIN_MINUTES = {
    "rest": 0.0,
    "cross_training": 20.0,
    "recovery": 20.0,
    "easy": 20.0,
    "strides": 25.0,
    "long": 40.0,
    "progression": 30.0,
    "tempo": 30.0,
    "intervals": 35.0,
    "hills": 30.0,
    "race_pace": 30.0,
    "race": 0.0,
}


@dataclass(frozen=True, slots=True)
class Step:
    """One block of a workout.

    ``kind``: warmup / main / recovery / cooldown / strides. ``reps`` repeats the step (with
    ``recovery_min`` easy jogging between repeats). ``effort``: E/M/T/I/R/race/easy/cross, the
    intensity name templates render when pace is unknown.
    """

    kind: str
    duration_min: float | None
    distance_km: float | None
    effort: str
    pace_s_per_km: tuple[float, float] | None = None
    hr_bpm: tuple[int, int] | None = None
    reps: int = 1
    recovery_min: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "duration_min": _r1(self.duration_min),
            "distance_km": _r2(self.distance_km),
            "effort": self.effort,
            "pace_s_per_km": [round(self.pace_s_per_km[0]), round(self.pace_s_per_km[1])]
            if self.pace_s_per_km
            else None,
            "hr_bpm": list(self.hr_bpm) if self.hr_bpm else None,
            "reps": self.reps,
            "recovery_min": _r1(self.recovery_min),
        }


@dataclass(frozen=True, slots=True)
class Workout:
    """A prescribed session. ``pace_s_per_km``/``hr_bpm`` describe the main set."""

    type: str
    duration_min: float
    distance_km: float | None
    structure: tuple[Step, ...]
    pace_s_per_km: tuple[float, float] | None
    hr_bpm: tuple[int, int] | None
    intensity: str
    expected_rpe: float

    @property
    def is_run(self) -> bool:
        return self.type in RUN_TYPES

    @property
    def is_hard_day(self) -> bool:
        return self.type in HARD_DAY_TYPES

    def to_json(self) -> dict[str, object]:
        return {
            "type": self.type,
            "duration_min": _r1(self.duration_min),
            "distance_km": _r2(self.distance_km),
            "structure": [s.to_json() for s in self.structure],
            "pace_s_per_km": [round(self.pace_s_per_km[0]), round(self.pace_s_per_km[1])]
            if self.pace_s_per_km
            else None,
            "hr_bpm": list(self.hr_bpm) if self.hr_bpm else None,
            "intensity": self.intensity,
            "expected_rpe": round(self.expected_rpe, 1),
        }


def _r1(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def _r2(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


DEFAULT_EASY_PACE = {"novice": 420.0, "intermediate": 360.0, "advanced": 310.0}
# Long runs are planned 2 % slower than the middle of the easy range (time on feet). The plan, the
# policy and the workout's distance all use this one factor, so a long run planned at the
# single-run spike cap is prescribed at the cap (distance = minutes / long-run pace), not 2 % over.
LONG_PACE_FACTOR = 1.02


def easy_pace_mid(paces: TrainingPaces | None, experience: str, offset_s: float = 0.0) -> float:
    """Middle of the easy range in s/km (a default by experience when fitness is unknown)."""
    if paces is None:
        return DEFAULT_EASY_PACE.get(experience, 380.0) + offset_s
    return 0.5 * (paces.easy[0] + paces.easy[1]) + offset_s


def _shift(p: tuple[float, float] | None, s: float) -> tuple[float, float] | None:
    return None if p is None else (p[0] + s, p[1] + s)


def build_workout(
    wtype: str,
    minutes: float,
    *,
    paces: TrainingPaces | None = None,
    hr_max: float | None = None,
    hr_rest: float | None = None,
    experience: str = "intermediate",
    race_distance_m: float | None = None,
    rpe_offset: float = 0.0,
    easy_pace_offset_s: float = 0.0,
) -> Workout:
    """A concrete ``wtype`` session lasting about ``minutes`` minutes.

    ``race_distance_m`` sets race-pace and race sessions; ``rpe_offset`` (learned per runner, CR-10
    points) shifts the expected RPE; ``easy_pace_offset_s`` (learned from the runner's easy HR)
    shifts easy/long/recovery paces, s/km.
    """
    e_pace = _shift(paces.easy, easy_pace_offset_s) if paces else None
    e_mid = easy_pace_mid(paces, experience, easy_pace_offset_s)
    hr_e = karvonen(hr_max, hr_rest, "easy")
    steps: list[Step]
    main_pace: tuple[float, float] | None
    main_hr: tuple[int, int] | None
    km: float | None
    minutes = max(0.0, minutes)

    def easy_step(kind: str, mins: float, effort: str = "E") -> Step:
        return Step(kind, round(mins, 1), round(mins * 60.0 / e_mid, 2), effort, e_pace, hr_e)

    if wtype == "rest":
        return Workout("rest", 0.0, None, (), None, None, "rest", 0.0)
    if wtype == "cross_training":
        steps = [Step("main", round(minutes, 1), None, "cross", None, karvonen(hr_max, hr_rest, "easy"))]
        return Workout(wtype, minutes, None, tuple(steps), None, steps[0].hr_bpm, "easy", 3.0 + rpe_offset)
    if wtype in ("easy", "recovery", "long"):
        zone = {"easy": "easy", "recovery": "recovery", "long": "long"}[wtype]
        slow = 25.0 if wtype == "recovery" else 0.0
        main_pace = _shift(e_pace, slow)
        main_hr = karvonen(hr_max, hr_rest, zone)
        km = minutes * 60.0 / ((e_mid + slow) * (LONG_PACE_FACTOR if wtype == "long" else 1.0))
        steps = [Step("main", round(minutes, 1), round(km, 2), "E", main_pace, main_hr)]
    elif wtype == "strides":
        n = 6 if minutes >= 35 else 4
        main_min = max(0.0, minutes - 3.0)
        steps = [
            easy_step("main", main_min),
            Step("strides", 20.0 / 60.0, 0.1, "R", paces.repetition if paces else None, None, n, 1.0),
        ]
        main_pace, main_hr = e_pace, hr_e
        km = main_min * 60.0 / e_mid + n * 0.1
    elif wtype == "progression":
        third = minutes / 3.0
        m_pace = paces.marathon if paces else None
        steps = [
            easy_step("main", 2 * third),
            Step(
                "main",
                round(third, 1),
                _km(third, m_pace, e_mid * 0.9),
                "M",
                m_pace,
                karvonen(hr_max, hr_rest, "marathon"),
            ),
        ]
        main_pace, main_hr = m_pace, karvonen(hr_max, hr_rest, "marathon")
        km = sum(s.distance_km or 0.0 for s in steps)
    elif wtype == "tempo":
        wu, cd = 12.0, 8.0
        main = max(10.0, min(40.0, minutes - wu - cd))
        cd = max(5.0, minutes - wu - main)
        t_pace = paces.threshold if paces else None
        main_hr = karvonen(hr_max, hr_rest, "threshold")
        steps = [
            easy_step("warmup", wu),
            Step("main", main, _km(main, t_pace, e_mid * 0.8), "T", t_pace, main_hr),
            easy_step("cooldown", cd),
        ]
        main_pace = t_pace
        km = sum(s.distance_km or 0.0 for s in steps)
    elif wtype in ("intervals", "hills"):
        wu, cd = 15.0, 10.0
        rep_min, rec = (3.0, 2.0) if wtype == "intervals" else (1.0, 2.0)
        reps = int(max(3, min(6 if wtype == "intervals" else 10, (minutes - wu - cd) // (rep_min + rec))))
        i_pace = paces.interval if paces else None
        main_hr = karvonen(hr_max, hr_rest, "interval")
        body = reps * (rep_min + rec)
        cd = max(5.0, minutes - wu - body)
        steps = [
            easy_step("warmup", wu),
            Step(
                "main",
                rep_min,
                _km(rep_min, i_pace, e_mid * 0.72),
                "I" if wtype == "intervals" else "hill",
                i_pace if wtype == "intervals" else None,
                main_hr,
                reps,
                rec,
            ),
            easy_step("cooldown", cd),
        ]
        main_pace = i_pace if wtype == "intervals" else None
        km = (wu + cd) * 60.0 / e_mid + reps * ((steps[1].distance_km or 0.0) + rec * 60.0 / (e_mid + 30.0))
        minutes = wu + body + cd
    elif wtype in ("race_pace", "race"):
        dist = race_distance_m or 10000.0
        rp = paces.race_pace(dist) if paces else None
        rp_mid = 0.5 * (rp[0] + rp[1]) if rp else e_mid * (0.82 if dist > 30000 else 0.75)
        main_hr = karvonen(hr_max, hr_rest, "marathon" if dist > 30000 else "threshold")
        if wtype == "race":
            km = dist / 1000.0
            race_min = km * rp_mid / 60.0
            steps = [
                easy_step("warmup", 10.0 if dist < 30000 else 5.0, "easy"),
                Step("main", round(race_min, 1), round(km, 2), "race", rp, None),
            ]
            minutes = race_min + (steps[0].duration_min or 0.0)
            return Workout(
                "race",
                minutes,
                km + (steps[0].distance_km or 0.0),
                tuple(steps),
                rp,
                None,
                "race",
                9.0 + rpe_offset,
            )
        wu, cd = 12.0, 8.0
        main = max(8.0, minutes - wu - cd)
        reps = 1 if main <= 20 or dist > 30000 else 2
        rep_len = main / reps
        steps = [
            easy_step("warmup", wu),
            Step(
                "main",
                round(rep_len, 1),
                _km(rep_len, rp, rp_mid),
                "race",
                rp,
                main_hr,
                reps,
                3.0 if reps > 1 else None,
            ),
            easy_step("cooldown", cd),
        ]
        main_pace = rp
        km = (wu + cd) * 60.0 / e_mid + main * 60.0 / rp_mid
        minutes = wu + cd + main + (3.0 if reps > 1 else 0.0)
    else:
        raise ValueError(f"unknown workout type {wtype!r}")
    return Workout(
        wtype,
        round(minutes, 1),
        round(km, 2) if km else None,
        tuple(steps),
        main_pace,
        main_hr,
        INTENSITY[wtype],
        EXPECTED_RPE[wtype] + rpe_offset,
    )


def _km(minutes: float, pace: tuple[float, float] | None, fallback_pace: float) -> float:
    p = 0.5 * (pace[0] + pace[1]) if pace else fallback_pace
    return round(minutes * 60.0 / p, 2)
