"""Injury risk for the coming week, and the one-call assessment of a runner (or many) today.

:class:`InjuryRiskModel` is a logistic model with fixed, documented coefficients:
``logit p = intercept + runner_offset + sum_k beta_k x_k`` where p is the probability of a new
running injury in the next 7 days.

=================  ===========================================  ========  ==================================
feature            x                                            beta      source / rationale
=================  ===========================================  ========  ==================================
(intercept)        -                                            -3.476    logit(0.03): about 7.7 injuries per
                                                                          1000 h in recreational runners
                                                                          (Videbaek et al. 2015, Sports Med)
                                                                          x ~4 h/week = ~3 % a week
spike_10_30        a run 10-30 % longer than the longest of     ln 1.64   Frandsen et al. 2025 (BJSM), HR 1.64
                   the 30 days before it, in the last 7 days
spike_30_100       ... 30-100 % longer                          ln 1.64   published HR 1.52; raised to 1.64
                                                                          so risk never falls as spikes grow
spike_over_100     ... more than 100 % longer                   ln 2.28   Frandsen 2025, HR 2.28
acwr_over_1_5      EWMA ACWR > 1.5 today                        ln 1.3    weak on purpose: c-statistic ~0.57
                                                                          (Impellizzeri 2020), coupling
                                                                          (Lolli 2019); engine choice
monotony_over_2    Foster monotony > 2 (7 days)                 ln 1.3    Foster 1998 threshold; engine choice
pain               max over 7 days of area weight x             ln 3      pain/previous injury is the most
                   clip(pain score / 5, 0, 1.6)                           consistent risk factor (Saragiotto
                                                                          2014; van der Worp 2015); engine
                                                                          choice of size
illness            ill in the last 7 days                       ln 1.5    engine choice
sleep_debt_h       8 h - mean sleep of the last 7 nights,       0.27/h    <8 h sleep: RR ~1.7 in adolescent
                   clipped to [0, 3] (>= 3 nights)                        athletes (Milewski 2014); engine
                                                                          choice per hour
injury_history     earlier injuries, capped at 3                ln 1.5    Saragiotto 2014 (previous injury)
=================  ===========================================  ========  ==================================

Pain area weights (:data:`PAIN_AREA_WEIGHTS`): achilles and shin 1.3, knee 1.2, calf/foot/ankle/
heel 1.1, hip/thigh/hamstring/leg 1.0, back and unknown 0.8, upper body 0.3. A reported injury
counts as pain score >= 5; an area without a score as 3.

Bands: ``low`` < 5 %, ``moderate`` 5-10 %, ``high`` >= 10 %.

``fit`` adds a per-runner intercept offset by empirical Bayes (gamma-Poisson, Clayton & Kaldor
1987): offset = ln((O + a) / (E + a)) with O observed injury weeks, E the population model's
expected count over the runner's weeks and a = ``prior_events`` pseudo-events (2). Only runners
with O >= 1 get an offset; without a report a runner keeps the population intercept (we never
lower risk below the population on the absence of reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd

from coaching.factors import Factor
from coaching.inputs import FloatArray, RunnerProfile, profile_arrays, validate_checkins, validate_sessions
from coaching.load import load_validated
from coaching.readiness import Readiness, ReadinessArrays, checkin_grid, readiness_arrays, readiness_on
from coaching.training_load import DailyArrays, compute_daily, trailing_max, trailing_sum

BASELINE_WEEKLY_P = 0.03
INTERCEPT = float(np.log(BASELINE_WEEKLY_P / (1.0 - BASELINE_WEEKLY_P)))
COEFFICIENTS: dict[str, float] = {
    "spike_10_30": float(np.log(1.64)),
    "spike_30_100": float(np.log(1.64)),
    "spike_over_100": float(np.log(2.28)),
    "acwr_over_1_5": float(np.log(1.3)),
    "monotony_over_2": float(np.log(1.3)),
    "pain": float(np.log(3.0)),
    "illness": float(np.log(1.5)),
    "sleep_debt_h": 0.27,
    "injury_history": float(np.log(1.5)),
}
FEATURES: tuple[str, ...] = tuple(COEFFICIENTS)
BAND_EDGES: tuple[float, float] = (0.05, 0.10)
#: Days of history the readiness and risk of one day look back over (form baseline t-90..t-15).
READINESS_LOOKBACK_D = 92
PAIN_AREA_WEIGHTS: dict[str, float] = {
    "achilles": 1.3,
    "shin": 1.3,
    "tibia": 1.3,
    "knee": 1.2,
    "calf": 1.1,
    "foot": 1.1,
    "ankle": 1.1,
    "heel": 1.1,
    "plantar": 1.1,
    "toe": 1.1,
    "hip": 1.0,
    "thigh": 1.0,
    "hamstring": 1.0,
    "quad": 1.0,
    "groin": 1.0,
    "glute": 1.0,
    "leg": 1.0,
    "it band": 1.0,
    "itb": 1.0,
    "back": 0.8,
    "shoulder": 0.3,
    "arm": 0.3,
    "hand": 0.3,
    "wrist": 0.3,
    "elbow": 0.3,
    "neck": 0.3,
    "head": 0.3,
    "chest": 0.3,
}
UNKNOWN_AREA_WEIGHT = 0.8


def area_weight(area: object) -> float:
    """Weight of a body area (substring match on :data:`PAIN_AREA_WEIGHTS`, else 0.8)."""
    if area is None or (isinstance(area, float) and np.isnan(area)):
        return UNKNOWN_AREA_WEIGHT
    a = str(area).lower().replace("_", " ")
    best = None
    for key, w in PAIN_AREA_WEIGHTS.items():
        if key in a:
            best = w if best is None else max(best, w)
    return UNKNOWN_AREA_WEIGHT if best is None else best


def pain_feature(checkins: pd.DataFrame) -> FloatArray:
    """Per check-in row: area weight x clip(pain score / 5, 0, 1.6) (0 when no pain reported)."""
    score = checkins["pain_score"].to_numpy(dtype=np.float64)
    area = checkins["pain_area"].to_numpy(dtype=object)
    has_area = ~pd.isna(area)
    score = np.where(np.isnan(score) & has_area, 3.0, score)
    inj = checkins["injury"].to_numpy(dtype=np.float64) > 0.5
    score = np.where(inj, np.fmax(score, 5.0), score)
    w = np.full(len(checkins), UNKNOWN_AREA_WEIGHT)
    if has_area.any():
        named = area[has_area].tolist()
        wmap = {a: area_weight(a) for a in set(named)}
        w[has_area] = np.array([wmap[a] for a in named], dtype=np.float64)
    return np.asarray(
        np.where(np.isfinite(score), w * np.clip(score / 5.0, 0.0, 1.6), np.nan), dtype=np.float64
    )


@dataclass(frozen=True, slots=True)
class TopChange:
    """The single change that lowers the risk most: ``key`` (spike / pain / illness / acwr / monotony /
    sleep), its ``target`` value in ``unit``; templates turn the key into words."""

    key: str
    target: float | None
    unit: str
    new_probability: float
    reduction: float


@dataclass(frozen=True, slots=True)
class InjuryRisk:
    """Probability of a new injury in the next 7 days, band, factors (log-odds) and the best change."""

    probability: float
    band: str
    factors: tuple[Factor, ...]
    top_change: TopChange | None


def risk_band(p: float) -> str:
    """low (< 5 %), moderate (5-10 %), high (>= 10 %)."""
    return "low" if p < BAND_EDGES[0] else ("moderate" if p < BAND_EDGES[1] else "high")


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


@dataclass
class InjuryRiskModel:
    """Logistic weekly injury-risk model with explicit coefficients (module table).

    ``fit(X, y)`` takes one row per runner-week (columns :data:`FEATURES` plus ``runner_id``)
    and ``y`` 1 when a new injury followed within 7 days; it learns ``offsets_`` (log-odds per
    runner). ``predict_proba`` returns an (n, 2) array like scikit-learn classifiers.
    """

    intercept: float = INTERCEPT
    coefficients: Mapping[str, float] = field(default_factory=lambda: dict(COEFFICIENTS))
    prior_events: float = 2.0

    def _offsets(self, runner_id: npt.ArrayLike | None, n: int) -> FloatArray:
        offsets: Mapping[int, float] = getattr(self, "offsets_", {})
        if runner_id is None or not offsets:
            return np.zeros(n)
        rid = np.asarray(runner_id, dtype=np.int64)
        return np.array([offsets.get(int(r), 0.0) for r in rid.tolist()], dtype=np.float64)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """beta_k x_k per feature (log-odds); missing features count 0."""
        return pd.DataFrame(
            {
                f: float(self.coefficients[f]) * X[f].to_numpy(dtype=np.float64)
                if f in X.columns
                else np.zeros(len(X))
                for f in FEATURES
            },
            index=X.index,
        ).fillna(0.0)

    def decision_function(self, X: pd.DataFrame) -> FloatArray:
        """Log-odds of an injury in the next 7 days."""
        rid = X["runner_id"].to_numpy() if "runner_id" in X.columns else None
        return np.asarray(
            self.intercept + self._offsets(rid, len(X)) + self.contributions(X).sum(axis=1).to_numpy(),
            dtype=np.float64,
        )

    def predict_proba(self, X: pd.DataFrame) -> FloatArray:
        """(n, 2) array: P(no injury), P(injury) in the next 7 days."""
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> Self:
        """Empirical-Bayes per-runner intercept offsets for runners with at least one injury week."""
        yy = np.asarray(y, dtype=np.float64)
        self.offsets_: dict[int, float] = {}
        p = _sigmoid(self.decision_function(X))
        frame = pd.DataFrame({"runner_id": X["runner_id"].to_numpy(dtype=np.int64), "o": yy, "e": p})
        agg = frame.groupby("runner_id")[["o", "e"]].sum()
        a = self.prior_events
        obs = agg["o"].to_numpy(dtype=np.float64)
        exp = agg["e"].to_numpy(dtype=np.float64)
        off = np.log((obs + a) / (exp + a))
        self.offsets_ = {
            int(r): float(o) for r, o, n in zip(agg.index.tolist(), off, obs, strict=True) if n >= 1
        }
        return self


# ----------------------------------------------------------------------------------------------
# Feature arrays over the daily grid


def risk_feature_arrays(
    daily: DailyArrays, grid: dict[str, FloatArray], injury_history: FloatArray
) -> dict[str, FloatArray]:
    """(runners x days) arrays of :data:`FEATURES` (each day's features for the following week)."""
    v = daily.values
    band = v["spike_band"]
    f: dict[str, FloatArray] = {
        "spike_10_30": (band == 1).astype(np.float64),
        "spike_30_100": (band == 2).astype(np.float64),
        "spike_over_100": (band == 3).astype(np.float64),
    }
    with np.errstate(invalid="ignore"):
        f["acwr_over_1_5"] = (v["acwr"] > 1.5).astype(np.float64)
        f["monotony_over_2"] = (v["monotony"] > 2.0).astype(np.float64)
    f["pain"] = trailing_max(np.nan_to_num(grid["pain_feature"], nan=0.0), 7)
    f["illness"] = trailing_max(np.nan_to_num(grid["illness"], nan=0.0), 7)
    sl = grid["sleep_h"]
    fin = np.isfinite(sl)
    n = trailing_sum(fin.astype(np.float64), 7)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = trailing_sum(np.where(fin, sl, 0.0), 7) / n
    f["sleep_debt_h"] = np.where(n >= 3, np.clip(8.0 - mean, 0.0, 3.0), 0.0)
    f["injury_history"] = np.broadcast_to(np.minimum(injury_history, 3.0)[:, None], band.shape).copy()
    return f


@dataclass(frozen=True, slots=True)
class EngineArrays:
    """Everything the engine computes over the (runners x days) grid.

    ``full`` holds the daily metrics of the whole history; ``daily`` (the same or its last days,
    see ``window`` in :func:`engine_arrays`) is the grid that ``readiness``, ``features`` and
    ``logit`` cover.
    """

    full: DailyArrays
    daily: DailyArrays
    readiness: ReadinessArrays
    features: dict[str, FloatArray]
    logit: FloatArray
    loaded: pd.DataFrame
    checkins: pd.DataFrame

    @property
    def probability(self) -> FloatArray:
        """Weekly injury probability per runner and day."""
        return _sigmoid(self.logit)


def engine_arrays(
    sessions: pd.DataFrame,
    checkins: pd.DataFrame | None,
    profiles: Mapping[int, RunnerProfile] | RunnerProfile | None,
    today: pd.Timestamp | str,
    model: InjuryRiskModel | None = None,
    start: pd.Timestamp | str | None = None,
    runner_ids: npt.ArrayLike | None = None,
    window: int | None = None,
) -> EngineArrays:
    """Run the whole engine on data up to ``today`` (later rows are ignored): one grid for all runners.

    Daily metrics cover the whole history. Readiness and risk cover the last ``window`` days
    (None: every day); a window of at least :data:`READINESS_LOOKBACK_D` days gives exact values
    for its last day, which is all a "today" assessment needs.
    """
    model = model or InjuryRiskModel()
    day = pd.Timestamp(today).normalize()
    s = _until(validate_sessions(sessions), day)
    c = _until(validate_checkins(checkins), day)  # a new frame either way: adding a column is safe
    c["pain_feature"] = pain_feature(c) if len(c) else np.zeros(0)
    loaded = load_validated(s, profiles)
    ids = np.unique(
        np.concatenate(
            [
                s["runner_id"].to_numpy(dtype=np.int64),
                c["runner_id"].to_numpy(dtype=np.int64),
                np.asarray([] if runner_ids is None else runner_ids, dtype=np.int64),
            ]
        )
    )
    candidates = [
        d
        for d in (
            s["date"].min() if len(s) else None,
            c["date"].min() if len(c) else None,
            pd.Timestamp(start).normalize() if start is not None else None,
        )
        if d is not None and not pd.isna(d)
    ]
    origin = min([*candidates, day])
    full = compute_daily(loaded, ids, pd.Timestamp(origin), day)
    daily = full.tail(None if window is None else max(window, READINESS_LOOKBACK_D))
    if len(daily.dates) < len(full.dates):
        c = c.loc[c["date"] >= daily.dates[0]]
    grid = checkin_grid(c, ids, daily.dates, max_cols=("illness", "pain_score", "injury", "pain_feature"))
    ready = readiness_arrays(daily, loaded, grid)
    hist = profile_arrays(profiles, ids).injury_history
    feats = risk_feature_arrays(daily, grid, hist)
    logit = np.full(daily.values["load"].shape, model.intercept)
    offsets = model._offsets(ids, len(ids))
    logit = logit + offsets[:, None]
    for k in FEATURES:
        logit = logit + float(model.coefficients[k]) * feats[k]
    return EngineArrays(full, daily, ready, feats, logit, loaded, c)


def _until(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The rows of a validated frame up to ``day`` (the frame itself when none is later: the usual case)."""
    keep = frame["date"].to_numpy(dtype="datetime64[ns]") <= day.to_datetime64()
    return frame if keep.all() else frame.loc[keep].copy()


_FEATURE_UNITS: dict[str, str] = {
    "spike_10_30": "flag",
    "spike_30_100": "flag",
    "spike_over_100": "flag",
    "acwr_over_1_5": "flag",
    "monotony_over_2": "flag",
    "pain": "weighted pain",
    "illness": "flag",
    "sleep_debt_h": "h",
    "injury_history": "count",
}


def pain_areas(checkins: pd.DataFrame, day: pd.Timestamp) -> dict[int, str]:
    """Runner -> body area of the worst pain report in the 7 days ending ``day``."""
    c = checkins
    if len(c) == 0:
        return {}
    d = c["date"].to_numpy(dtype="datetime64[ns]")
    lo = (day - pd.Timedelta(days=7)).to_datetime64()
    sel = (d > lo) & (d <= day.to_datetime64()) & (c["pain_feature"].to_numpy(dtype=np.float64) > 0)
    if not sel.any():
        return {}
    sel &= ~pd.isna(c["pain_area"].to_numpy(dtype=object))
    sub = c.loc[sel, ["runner_id", "pain_feature", "pain_area"]]
    if sub.empty:
        return {}
    sub = sub.sort_values("pain_feature", kind="stable").drop_duplicates("runner_id", keep="last")
    return {int(r): str(a) for r, a in zip(sub["runner_id"].tolist(), sub["pain_area"].tolist(), strict=True)}


def risk_at(
    arrays: EngineArrays,
    row: int,
    day: int,
    model: InjuryRiskModel | None = None,
    areas: Mapping[int, str] | None = None,
) -> InjuryRisk:
    """The :class:`InjuryRisk` of one runner (row) and day (column) of ``arrays``.

    ``areas`` (runner -> pain area, from :func:`pain_areas`) saves a search when called for many runners.
    """
    model = model or InjuryRiskModel()
    if areas is None:
        areas = pain_areas(arrays.checkins, arrays.daily.dates[day])
    area = areas.get(int(arrays.daily.runner_ids[row]))
    v = arrays.daily.values
    logit = float(arrays.logit[row, day])
    p = float(_sigmoid(np.asarray(logit)))
    contrib = {k: float(model.coefficients[k]) * float(arrays.features[k][row, day]) for k in FEATURES}
    factors: list[Factor] = []
    spike_val = float(v["spike_pct"][row, day])
    for k in FEATURES:
        x = float(arrays.features[k][row, day])
        if x == 0.0:
            continue
        detail: dict[str, float | str] = {}
        value: float | None = x
        usual: tuple[float, float] | None = None
        if k.startswith("spike"):
            value = spike_val if np.isfinite(spike_val) else None
            detail["longest_run_7d_m"] = float(v["longest_run_7d_m"][row, day])
            detail["longest_run_prev30_m"] = float(v["longest_run_prev30_m"][row, day])
            usual = (0.0, 0.10)
        elif k == "acwr_over_1_5":
            value, usual = float(v["acwr"][row, day]), (0.8, 1.3)
        elif k == "monotony_over_2":
            value, usual = float(v["monotony"][row, day]), (1.0, 2.0)
        elif k == "pain":
            if area is not None:
                detail["area"] = area
        elif k == "sleep_debt_h":
            usual = (0.0, 0.5)
        factors.append(
            Factor(
                key=k,
                value=value,
                unit=_FEATURE_UNITS[k],
                contribution=round(contrib[k], 3),
                usual=usual,
                detail=detail,
            )
        )
    offset = logit - model.intercept - sum(contrib.values())
    if abs(offset) > 1e-9:
        factors.append(
            Factor(key="personal_offset", value=offset, unit="log-odds", contribution=round(offset, 3))
        )
    return InjuryRisk(
        probability=round(p, 4),
        band=risk_band(p),
        factors=tuple(factors),
        top_change=_top_change(arrays, row, day, logit, contrib, area),
    )


def _top_change(
    arrays: EngineArrays, row: int, day: int, logit: float, contrib: dict[str, float], area: str | None
) -> TopChange | None:
    v = arrays.daily.values
    spike = sum(contrib[k] for k in ("spike_10_30", "spike_30_100", "spike_over_100"))
    options: list[tuple[float, str, float | None, str]] = []
    if spike > 0:
        km = 1.1 * float(v["longest_run_30d_m"][row, day]) / 1000.0
        options.append((spike, "spike", round(km, 1), "km"))
    if contrib["pain"] > 0:
        options.append((contrib["pain"], "pain", None, ""))
    if contrib["illness"] > 0:
        options.append((contrib["illness"], "illness", None, ""))
    if contrib["acwr_over_1_5"] > 0:
        cap = 7.0 * 1.5 * float(v["chronic_ewma"][row, day])
        options.append((contrib["acwr_over_1_5"], "acwr", round(cap), "LU"))
    if contrib["monotony_over_2"] > 0:
        options.append((contrib["monotony_over_2"], "monotony", 2.0, "days"))
    if contrib["sleep_debt_h"] > 0:
        options.append((contrib["sleep_debt_h"], "sleep", 8.0, "h"))
    if not options:
        return None
    gain, key, target, unit = max(options, key=lambda o: o[0])
    p_now = float(_sigmoid(np.asarray(logit)))
    p_new = float(_sigmoid(np.asarray(logit - gain)))
    return TopChange(
        key=key,
        target=target,
        unit=unit,
        new_probability=round(p_new, 4),
        reduction=round(p_now - p_new, 4),
    )


# ----------------------------------------------------------------------------------------------
# One-call assessment


@dataclass(frozen=True, slots=True)
class Assessment:
    """Today's daily metrics (column -> value), readiness and injury risk of one runner."""

    metrics_today: dict[str, float]
    readiness: Readiness
    risk: InjuryRisk


def assessments_today(arrays: EngineArrays, model: InjuryRiskModel | None = None) -> dict[int, Assessment]:
    """:class:`Assessment` objects of every runner in ``arrays`` on its last day."""
    model = model or InjuryRiskModel()
    areas = pain_areas(arrays.checkins, arrays.daily.dates[-1])
    today = {k: a[:, -1].tolist() for k, a in arrays.full.values.items()}
    readiness = readiness_on(arrays.readiness, -1)
    out: dict[int, Assessment] = {}
    for i, r in enumerate(arrays.daily.runner_ids.tolist()):
        metrics = {k: float(col[i]) for k, col in today.items()}
        out[int(r)] = Assessment(metrics, readiness[i], risk_at(arrays, i, -1, model, areas))
    return out


def assess_batch(
    sessions: pd.DataFrame,
    checkins: pd.DataFrame | None,
    profiles: Mapping[int, RunnerProfile] | None,
    today: pd.Timestamp | str,
    model: InjuryRiskModel | None = None,
    runner_ids: npt.ArrayLike | None = None,
) -> dict[int, Assessment]:
    """:class:`Assessment` of every runner in ``sessions``/``checkins`` (and ``runner_ids``) on ``today``."""
    model = model or InjuryRiskModel()
    arrays = engine_arrays(
        sessions, checkins, profiles, today, model, runner_ids=runner_ids, window=READINESS_LOOKBACK_D
    )
    return assessments_today(arrays, model)


def _of_runner(frame: pd.DataFrame, rid: int) -> pd.DataFrame:
    """The rows of runner ``rid`` (the frame itself when it holds only theirs, as a one-runner batch does)."""
    if "runner_id" not in frame.columns:
        return frame
    ids = frame["runner_id"]
    if ids.dtype.kind in "iu" and bool((ids.to_numpy() == rid).all()):
        return frame
    return frame.loc[pd.to_numeric(ids, errors="coerce") == rid]


def assess(
    sessions: pd.DataFrame,
    checkins: pd.DataFrame | None,
    profile: RunnerProfile | None,
    today: pd.Timestamp | str,
    model: InjuryRiskModel | None = None,
    runner_id: int | None = None,
) -> Assessment:
    """:class:`Assessment` of one runner on ``today``.

    ``runner_id`` defaults to the first runner in the data, else 0.
    """
    model = model or InjuryRiskModel()
    rid = runner_id
    if rid is None:
        ids: list[int] = []
        for frame in (sessions, checkins):
            if frame is not None and "runner_id" in frame.columns and len(frame):
                ids.extend(
                    pd.to_numeric(frame["runner_id"], errors="coerce").dropna().astype(int).unique().tolist()
                )
        rid = ids[0] if ids else 0
    s = _of_runner(sessions, rid)
    c = _of_runner(checkins, rid) if checkins is not None else None
    profs = {rid: profile} if profile is not None else None
    arrays = engine_arrays(s, c, profs, today, model, runner_ids=[rid], window=READINESS_LOOKBACK_D)
    return assessments_today(arrays, model)[int(rid)]
