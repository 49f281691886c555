"""Readiness to train today, 0-100, with a band and the factors that moved it.

``score = clip(70 + sum of contributions, 0, 100)``; 70 is an ordinary day with every signal at
the runner's usual value. Bands: >= 80 ``ready``, >= 60 ``normal``, >= 40 ``caution``, < 40 ``rest``.
Each signal contributes readiness points (the table below); a missing signal contributes 0, is
listed in ``missing`` and lowers ``confidence`` by its weight. Nothing here peeks ahead: every
value for day t uses data of days <= t only (trailing windows).

=============  ======  ==========================================================================
signal         weight  contribution (points)
=============  ======  ==========================================================================
hrv            0.25    7-day mean of ln RMSSD (>= 3 readings, Plews et al. 2014) against the baseline
                       mean +- 0.5 SD of days t-67..t-7 (>= 10 readings) (Kiviniemi 2007; Vesterinen
                       2016; Javaloyes 2019). z = (mean7 - base) / SD: below -0.5 -> -10 per SD beyond
                       the band (floor -20); above +0.5 -> +3 per SD (cap +3); inside the band 0
rhr            0.10    today's resting HR against the mean of days t-60..t-1 (>= 7 readings), in
                       units of its SD (the typical error, Buchheit 2014; floor 1 bpm):
                       -R x clip(z, -1, 4) (default R 4)
sleep          0.15    hours vs a need of 8 h: -S per hour short (4 h max), +S/4 per hour over (1 h max);
                       S = ``sleep_short`` (default 4; fitted on PMData: 0, see below)
sleep_quality  0.05    -Q x (badness - usual), badness = 5 - quality; usual as for wellness (default Q 3)
wellness       0.25    Hooper/McLean items as "badness" 0-4: fatigue - 1, soreness - 1, stress - 1,
                       5 - mood; each against the runner's usual = mean of days t-90..t-1 shrunk toward
                       the scale's "normal" (badness 2) with weight n/(n+28); points -w_item per step
                       worse than usual (defaults 4, 3, 2, 2); total clipped to [-24, +12]; the
                       factor's ``detail`` holds each item's points
form           0.10    form / S, S = mean daily load of days t-90..t-15 (floor 30 LU/day), needs 28
                       days of history: F x clip(form / S, -1, 0.25) (default F 20)
rpe_gap        0.10    largest (reported RPE - expected RPE) over sessions of days t-2..t. Expected:
                       the ``expected_rpe`` column, else 3 + 16 (HRr - 0.65) or 3 + 16 (IF - 0.75)
                       plus the runner's mean residual over days t-90..t-15 shrunk with n/(n+5):
                       -3 x clip(gap - 1, 0, 4)  (felt-easier never adds points)
illness        -       ill today or yesterday: -25
pain           -       today's pain score: -2 x clip(pain - 2, 0, 8)
=============  ======  ==========================================================================

Weights (:class:`ReadinessWeights`): the defaults above are literature-based hand weights. The
shipped ``coaching/data/readiness_weights.json`` replaces w_item, Q, F, R and S by weights fitted on
PMData (16 athletes; median of per-athlete slopes against next-day readiness and fatigue; recipe
``python -m coaching.evaluation.pmdata --fit PATH``; leave-one-athlete-out figures from
``python -m coaching.evaluation.pmdata PATH``); without the file the defaults apply. All weights
are >= 0, so the properties below hold for any weights file.

Monotonicity (tested): more load in the last 14 days never raises the score (form/S falls, S
uses days <= t-15; the RPE gap is a max over sessions); worse HRV in the last 7 days, less or worse
sleep, worse wellness today, higher RHR, illness and pain never raise it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from coaching.factors import Factor
from coaching.inputs import FloatArray
from coaching.training_load import DailyArrays, shift, trailing_max, trailing_sum

BASE_SCORE = 70.0
BANDS: tuple[tuple[float, str], ...] = ((80.0, "ready"), (60.0, "normal"), (40.0, "caution"), (-1.0, "rest"))
SLEEP_NEED_H = 8.0
WEIGHTS: dict[str, float] = {
    "hrv": 0.25,
    "rhr": 0.10,
    "sleep": 0.15,
    "sleep_quality": 0.05,
    "wellness": 0.25,
    "form": 0.10,
    "rpe_gap": 0.10,
}
#: Questionnaire items scored as "badness" 0-4 (0 best): fatigue/soreness/stress - 1, 5 - mood.
WELLNESS_ITEMS: tuple[str, ...] = ("fatigue", "soreness", "stress", "mood")
#: The individual baseline of every questionnaire item (and sleep quality): mean of days
#: t-BASELINE_D..t-1, shrunk toward the scale midpoint ("normal", badness 2) with PRIOR_DAYS pseudo-days.
BASELINE_D = 90
PRIOR_DAYS = 28.0
NEUTRAL_BADNESS = 2.0
WEIGHTS_PATH = Path(__file__).parent / "data" / "readiness_weights.json"


@dataclass(frozen=True, slots=True)
class ReadinessWeights:
    """Readiness points per unit of each signal (all >= 0: a worse signal never adds points).

    ``fatigue``, ``soreness``, ``stress``, ``mood``, ``sleep_quality``: points per scale step worse
    than the runner's usual; ``form``: points per unit of form / S; ``rhr``: points per SD of resting
    HR above the baseline; ``sleep_short``: points per hour short of :data:`SLEEP_NEED_H`.
    The defaults are the literature-based hand weights (Hooper & Mackinnon 1995; McLean et al.
    2010); :func:`load_weights` replaces the questionnaire and form weights with the ones fitted on
    PMData (``coaching/data/readiness_weights.json``, recipe in :mod:`coaching.evaluation.pmdata`).
    """

    fatigue: float = 4.0
    soreness: float = 3.0
    stress: float = 2.0
    mood: float = 2.0
    sleep_quality: float = 3.0
    form: float = 20.0
    rhr: float = 4.0
    sleep_short: float = 4.0
    source: str = "literature defaults"

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object], source: str) -> ReadinessWeights:
        """Weights from a mapping; unknown keys are ignored, negative or non-numeric values rejected."""
        base = cls()
        vals: dict[str, float] = {}
        for f in fields(cls):
            if f.name == "source":
                continue
            v = raw.get(f.name, getattr(base, f.name))
            if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v) or v < 0:
                raise ValueError(f"readiness weight {f.name!r} must be a finite number >= 0, got {v!r}")
            vals[f.name] = float(v)
        return cls(
            fatigue=vals["fatigue"],
            soreness=vals["soreness"],
            stress=vals["stress"],
            mood=vals["mood"],
            sleep_quality=vals["sleep_quality"],
            form=vals["form"],
            rhr=vals["rhr"],
            sleep_short=vals["sleep_short"],
            source=source,
        )


def load_weights(path: Path | None = None) -> ReadinessWeights:
    """The fitted weights of ``path`` (default :data:`WEIGHTS_PATH`); literature defaults if absent."""
    p = WEIGHTS_PATH if path is None else path
    try:
        raw = json.loads(p.read_text())
    except (OSError, ValueError):
        return ReadinessWeights()
    if not isinstance(raw, dict) or not isinstance(raw.get("weights"), dict):
        return ReadinessWeights()
    return ReadinessWeights.from_mapping(raw["weights"], source=str(raw.get("source", p.name)))


DEFAULT_WEIGHTS = load_weights()
_MEAN_COLS: tuple[str, ...] = (
    "hrv_ms",
    "rhr_bpm",
    "sleep_h",
    "sleep_quality",
    "fatigue",
    "soreness",
    "stress",
    "mood",
)
_MAX_COLS: tuple[str, ...] = ("illness", "pain_score", "injury")


@dataclass(frozen=True, slots=True)
class Readiness:
    """Readiness today: ``score`` 0-100, ``band``, ``confidence`` 0-1, explaining factors, missing signals."""

    score: float
    band: str
    confidence: float
    factors: tuple[Factor, ...]
    missing: tuple[str, ...]


def band_of(score: float) -> str:
    """ready (>= 80) / normal (>= 60) / caution (>= 40) / rest."""
    for edge, name in BANDS:
        if score >= edge:
            return name
    return "rest"


def checkin_grid(
    checkins: pd.DataFrame,
    runner_ids: npt.NDArray[np.int64],
    dates: pd.DatetimeIndex,
    mean_cols: Sequence[str] = _MEAN_COLS,
    max_cols: Sequence[str] = _MAX_COLS,
) -> dict[str, FloatArray]:
    """(runners x days) arrays of validated check-ins: daily mean of ``mean_cols``, max of ``max_cols``.

    Days without a value are NaN.
    """
    n_r, n_d = len(runner_ids), len(dates)
    out: dict[str, FloatArray] = {}
    if n_r == 0 or n_d == 0 or len(checkins) == 0:
        for c in (*mean_cols, *max_cols):
            out[c] = np.full((n_r, n_d), np.nan)
        return out
    day = (
        (checkins["date"].to_numpy(dtype="datetime64[ns]") - dates[0].to_datetime64())
        // np.timedelta64(1, "D")
    ).astype(np.int64)
    rid = checkins["runner_id"].to_numpy(dtype=np.int64)
    pos = np.minimum(np.searchsorted(runner_ids, rid), n_r - 1)
    ok = (day >= 0) & (day < n_d) & (runner_ids[pos] == rid)
    flat = pos[ok] * n_d + day[ok]
    size = n_r * n_d
    for c in mean_cols:
        x = checkins[c].to_numpy(dtype=np.float64)[ok]
        fin = np.isfinite(x)
        cnt = np.bincount(flat[fin], minlength=size)
        tot = np.bincount(flat[fin], weights=x[fin], minlength=size)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[c] = np.where(cnt > 0, tot / cnt, np.nan).reshape(n_r, n_d)
    for c in max_cols:
        x = checkins[c].to_numpy(dtype=np.float64)[ok]
        fin = np.isfinite(x)
        m = np.full(size, -np.inf)
        np.maximum.at(m, flat[fin], x[fin])
        out[c] = np.where(np.isfinite(m), m, np.nan).reshape(n_r, n_d)
    return out


def window_stats(x: FloatArray, lag: int, width: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Count, mean and sample SD of the non-NaN values of days t-lag-width+1 .. t-lag."""
    fin = np.isfinite(x)
    x0 = np.where(fin, x, 0.0)
    n = shift(trailing_sum(fin.astype(np.float64), width), lag)
    s1 = shift(trailing_sum(x0, width), lag)
    s2 = shift(trailing_sum(x0 * x0, width), lag)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, s1 / n, np.nan)
        var = np.where(n > 1, (s2 - n * mean * mean) / (n - 1.0), np.nan)
    return n, mean, np.sqrt(np.clip(var, 0.0, None))


@dataclass(frozen=True, slots=True)
class ReadinessArrays:
    """(runners x days) arrays: ``score``, ``confidence`` and per signal value/usual/contribution."""

    score: FloatArray
    confidence: FloatArray
    parts: dict[str, dict[str, FloatArray]]


def _part(
    value: FloatArray,
    contribution: FloatArray,
    present: npt.NDArray[np.bool_],
    lo: FloatArray | None = None,
    hi: FloatArray | None = None,
) -> dict[str, FloatArray]:
    nan = np.full_like(value, np.nan)
    return {
        "value": value,
        "contribution": np.where(present, contribution, 0.0),
        "present": present.astype(np.float64),
        "lo": nan if lo is None else lo,
        "hi": nan if hi is None else hi,
    }


def _rpe_gap_daily(
    loaded: pd.DataFrame, runner_ids: npt.NDArray[np.int64], dates: pd.DatetimeIndex
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Daily max of (RPE - expected) for explicit expectations, daily max/sum/count of model residuals."""
    n_r, n_d = len(runner_ids), len(dates)
    size = n_r * n_d
    explicit = np.full(size, -np.inf)
    model_max = np.full(size, -np.inf)
    res_sum = np.zeros(size)
    res_cnt = np.zeros(size)
    if n_r and n_d and len(loaded):
        day = (
            (loaded["date"].to_numpy(dtype="datetime64[ns]") - dates[0].to_datetime64())
            // np.timedelta64(1, "D")
        ).astype(np.int64)
        rid = loaded["runner_id"].to_numpy(dtype=np.int64)
        pos = np.minimum(np.searchsorted(runner_ids, rid), n_r - 1)
        ok = (day >= 0) & (day < n_d) & (runner_ids[pos] == rid)
        flat = pos * n_d + day
        rpe = loaded["rpe"].to_numpy(dtype=np.float64)
        exp_rpe = loaded["expected_rpe"].to_numpy(dtype=np.float64)
        hrr = loaded["hrr"].to_numpy(dtype=np.float64)
        ipace = loaded["intensity_pace"].to_numpy(dtype=np.float64)
        pop = np.where(np.isfinite(hrr), 3.0 + 16.0 * (hrr - 0.65), 3.0 + 16.0 * (ipace - 0.75))
        pop = np.clip(pop, 1.0, 10.0)
        e_ok = ok & np.isfinite(rpe) & np.isfinite(exp_rpe)
        np.maximum.at(explicit, flat[e_ok], (rpe - exp_rpe)[e_ok])
        m_ok = ok & np.isfinite(rpe) & ~np.isfinite(exp_rpe) & np.isfinite(pop)
        res = (rpe - pop)[m_ok]
        np.maximum.at(model_max, flat[m_ok], res)
        res_sum = np.bincount(flat[m_ok], weights=res, minlength=size).astype(np.float64)
        res_cnt = np.bincount(flat[m_ok], minlength=size).astype(np.float64)
    shape = (n_r, n_d)
    return (explicit.reshape(shape), model_max.reshape(shape), res_sum.reshape(shape), res_cnt.reshape(shape))


def item_deviations(grid: Mapping[str, FloatArray]) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Per questionnaire item (and sleep quality): (badness today, the runner's usual badness).

    Badness is 0 (best) ... 4 (worst). The usual is the mean of days t-BASELINE_D..t-1 shrunk toward
    :data:`NEUTRAL_BADNESS` with weight n / (n + PRIOR_DAYS): a new runner is compared with the
    scale's "normal", a runner with months of reports mostly with their own habit.
    """
    out: dict[str, tuple[FloatArray, FloatArray]] = {}
    for item in (*WELLNESS_ITEMS, "sleep_quality"):
        x = grid[item]
        bad = (5.0 - x) if item in ("mood", "sleep_quality") else (x - 1.0)
        n, m, _ = window_stats(bad, 1, BASELINE_D)
        usual = (np.nan_to_num(m) * n + PRIOR_DAYS * NEUTRAL_BADNESS) / (n + PRIOR_DAYS)
        out[item] = (bad, usual)
    return out


def form_ratio(daily: DailyArrays) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """form / S (S = mean daily load of days t-90..t-15, floor 30), and whether 28 days of history exist."""
    v = daily.values
    hist = v["days_of_history"]
    avail = np.clip(hist - 15.0, 1.0, 76.0)
    s_base = np.fmax(shift(trailing_sum(v["load"], 76), 15) / avail, 30.0)
    return np.asarray(v["form"] / s_base, dtype=np.float64), hist >= 28


def readiness_arrays(
    daily: DailyArrays,
    loaded: pd.DataFrame,
    grid: dict[str, FloatArray],
    weights: ReadinessWeights | None = None,
) -> ReadinessArrays:
    """Readiness for every runner and day of ``daily`` (see the module table).

    ``loaded`` are sessions with loads (:class:`coaching.load.SessionLoadModel`), ``grid`` the
    check-in arrays from :func:`checkin_grid` on the same runners and dates; ``weights`` default
    to :data:`DEFAULT_WEIGHTS` (fitted file, else literature defaults).
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    parts: dict[str, dict[str, FloatArray]] = {}

    # HRV: ln RMSSD 7-day mean against a 60-day baseline ending before the week.
    ln_hrv = np.log(grid["hrv_ms"])
    n7, m7, _ = window_stats(ln_hrv, 0, 7)
    n60, base, sd60 = window_stats(ln_hrv, 7, 60)
    sd = np.fmax(sd60, 0.02)
    present = (n7 >= 3) & (n60 >= 10)
    with np.errstate(invalid="ignore"):
        z = (m7 - base) / sd
        c = np.where(
            z < -0.5,
            np.maximum(-10.0 * (-z - 0.5), -20.0),
            np.where(z > 0.5, 3.0 * np.minimum(z - 0.5, 1.0), 0.0),
        )
    parts["hrv"] = _part(np.exp(m7), c, present, np.exp(base - 0.5 * sd), np.exp(base + 0.5 * sd))

    # Resting HR today against the previous 60 days.
    rhr = grid["rhr_bpm"]
    nb, rb, rsd = window_stats(rhr, 1, 60)
    rsd = np.fmax(rsd, 1.0)
    present = np.isfinite(rhr) & (nb >= 7)
    with np.errstate(invalid="ignore"):
        c = -w.rhr * np.clip((rhr - rb) / rsd, -1.0, 4.0)
    parts["rhr"] = _part(rhr, c, present, rb - rsd, rb + rsd)

    # Sleep hours (last night) against a fixed need.
    h = grid["sleep_h"]
    with np.errstate(invalid="ignore"):
        c = -w.sleep_short * np.clip(SLEEP_NEED_H - h, 0.0, 4.0) + min(w.sleep_short / 4.0, 1.0) * np.clip(
            h - SLEEP_NEED_H, 0.0, 1.0
        )
    parts["sleep"] = _part(h, c, np.isfinite(h), np.full_like(h, 7.0), np.full_like(h, 9.0))

    # Questionnaire items and sleep quality, each against the runner's own usual.
    dev = item_deviations(grid)
    bad_q, usual_q = dev["sleep_quality"]
    parts["sleep_quality"] = _part(
        5.0 - bad_q,
        -w.sleep_quality * (bad_q - usual_q),
        np.isfinite(bad_q),
        5.0 - usual_q - 0.5,
        5.0 - usual_q + 0.5,
    )
    total = np.zeros_like(h)
    any_item = np.zeros(h.shape, dtype=bool)
    bad_sum = np.zeros_like(h)
    usual_sum = np.zeros_like(h)
    item_points: dict[str, FloatArray] = {}
    for item in WELLNESS_ITEMS:
        bad, usual = dev[item]
        fin = np.isfinite(bad)
        pts = np.where(fin, -float(getattr(w, item)) * (bad - usual), 0.0)
        item_points[item] = pts
        total += pts
        bad_sum += np.where(fin, bad, usual)
        usual_sum += usual
        any_item |= fin
    parts["wellness"] = _part(
        np.where(any_item, bad_sum, np.nan),
        np.clip(total, -24.0, 12.0),
        any_item,
        usual_sum - 1.0,
        usual_sum + 1.0,
    )
    parts["wellness"].update({f"points_{k}": v for k, v in item_points.items()})

    # Form relative to the runner's older load level.
    ratio, enough = form_ratio(daily)
    parts["form"] = _part(
        ratio,
        w.form * np.clip(ratio, -1.0, 0.25),
        enough,
        np.full_like(ratio, -0.1),
        np.full_like(ratio, 0.1),
    )

    # RPE gap over the last 3 days.
    explicit, model_max, res_sum, res_cnt = _rpe_gap_daily(loaded, daily.runner_ids, daily.dates)
    ex3 = trailing_max(explicit, 3, fill=-np.inf)
    mm3 = trailing_max(model_max, 3, fill=-np.inf)
    cnt = shift(trailing_sum(res_cnt, 76), 15)
    tot = shift(trailing_sum(res_sum, 76), 15)
    offset = tot / (cnt + 5.0)  # = n/(n+5) * mean residual
    gap = np.fmax(ex3, mm3 - offset)
    present = np.isfinite(gap)
    gap = np.where(present, gap, np.nan)
    parts["rpe_gap"] = _part(
        gap, -3.0 * np.clip(gap - 1.0, 0.0, 4.0), present, np.full_like(gap, -1.0), np.full_like(gap, 1.0)
    )

    # Illness (today or yesterday) and pain today.
    ill = np.fmax(grid["illness"], shift(grid["illness"], 1, np.nan))
    parts["illness"] = _part(ill, np.where(ill > 0.5, -25.0, 0.0), np.isfinite(ill))
    pain = grid["pain_score"]
    parts["pain"] = _part(
        pain,
        -2.0 * np.clip(pain - 2.0, 0.0, 8.0),
        np.isfinite(pain),
        np.zeros_like(pain),
        np.full_like(pain, 2.0),
    )

    score = BASE_SCORE + sum(p["contribution"] for p in parts.values())
    score = np.clip(score, 0.0, 100.0)
    conf = sum(WEIGHTS[k] * parts[k]["present"] for k in WEIGHTS)
    return ReadinessArrays(np.asarray(score, dtype=np.float64), np.asarray(conf, dtype=np.float64), parts)


_UNITS: dict[str, str] = {
    "hrv": "ms",
    "rhr": "bpm",
    "sleep": "h",
    "sleep_quality": "1-5",
    "wellness": "points 0-16",
    "form": "form/load",
    "rpe_gap": "RPE",
    "illness": "flag",
    "pain": "0-10",
}


def readiness_at(arrays: ReadinessArrays, row: int, day: int) -> Readiness:
    """The :class:`Readiness` object of one runner (row) and day (column)."""
    return _readiness(arrays, lambda key, name: float(arrays.parts[key][name][row, day]),
                      float(arrays.score[row, day]), float(arrays.confidence[row, day]))


def readiness_on(arrays: ReadinessArrays, day: int) -> list[Readiness]:
    """:func:`readiness_at` of every runner (row order) on one day, reading each array's column once."""
    columns = {key: {name: a[:, day].tolist() for name, a in p.items()} for key, p in arrays.parts.items()}
    scores, confidences = arrays.score[:, day].tolist(), arrays.confidence[:, day].tolist()

    def reader(row: int) -> Callable[[str, str], float]:
        return lambda key, name: float(columns[key][name][row])

    return [_readiness(arrays, reader(row), scores[row], confidences[row]) for row in range(len(scores))]


def _readiness(arrays: ReadinessArrays, value: Callable[[str, str], float], score_value: float,
               confidence: float) -> Readiness:
    factors: list[Factor] = []
    missing: list[str] = []
    for key, p in arrays.parts.items():
        if value(key, "present") < 0.5:
            if key in WEIGHTS:
                missing.append(key)
            continue
        lo, hi = value(key, "lo"), value(key, "hi")
        usual = (round(lo, 3), round(hi, 3)) if math.isfinite(lo) and math.isfinite(hi) else None
        val = value(key, "value")
        detail: dict[str, float | str] = {
            k.removeprefix("points_"): round(value(key, k), 2) for k in p if k.startswith("points_")
        }
        factors.append(
            Factor(
                key=key,
                value=round(val, 3) if math.isfinite(val) else None,
                unit=_UNITS[key],
                contribution=round(value(key, "contribution"), 2),
                usual=usual,
                detail=detail,
            )
        )
    score = round(score_value, 1)
    return Readiness(
        score=score,
        band=band_of(score),
        confidence=round(confidence, 2),
        factors=tuple(factors),
        missing=tuple(missing),
    )
