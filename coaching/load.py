"""Session load on one common scale, the *load unit* (LU).

One load unit is one session-RPE unit: Borg CR-10 RPE x minutes (Foster et al. 2001, J Strength
Cond Res 15(1)). A 50-minute run at RPE 7 is 350 LU; an easy hour at RPE 3 is 180 LU.

Each session gets its load from the best available method, in this order:

1. ``srpe``      RPE x minutes (Foster 2001) - the reference scale, used as is.
2. ``trimp``     Banister TRIMP = minutes x HRr x a e^(b HRr), HRr = (HR - HRrest)/(HRmax - HRrest),
                 a, b = 0.64, 1.92 (men) and 0.86, 1.67 (women); unknown sex uses the mean of the two
                 curves (Banister 1991; Morton, Fitz-Clarke & Banister 1990).
3. ``edwards``   Edwards TRIMP with only the session's mean HR: minutes x zone weight (1-5 for
                 50-60 ... 90-100 % HRmax, 0 below 50 %) (Edwards 1993). With a mean HR and no HR
                 stream the whole session falls in one zone: a coarse approximation.
4. ``pace``      rTSS-like pace stress = hours x IF^2 x 100, IF = threshold pace / session pace
                 (running, trail, treadmill, walking with a distance). Threshold pace comes from the
                 profile, else median run speed / 0.80 (easy running is about 80 % of threshold speed,
                 an engine assumption), else 315 s/km.
5. ``duration``  minutes x a sport-typical RPE (:data:`DEFAULT_RPE`): the last resort so that every
                 session, running or not, counts toward load.

Methods 2-4 are put on the LU scale by a ratio ``c`` (LU per method unit). The population
ratios (:data:`POPULATION_LOG_RATIO`) are engine anchors derived from typical sessions: an easy
hour (RPE 3-4, HRr 0.65, IF 0.75) and an hour at threshold (RPE 8, HRr 0.88, IF 1.0) give about
2.5 LU per Banister TRIMP, 1.5 LU per Edwards unit and 4 LU per pace-stress point. Per runner,
``c`` is calibrated on the sessions that have RPE *and* the other method: the mean log ratio
ln(sRPE / method) over those ``n`` sessions is shrunk toward the population log ratio with weight
``n / (n + k)``, ``k`` = :data:`SHRINKAGE_K` (= 10 sessions), i.e. ``ln c = w mean + (1 - w) pop``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd

from coaching.inputs import (
    DEFAULT_THRESHOLD_PACE_S_PER_KM,
    RUN_SPORTS,
    FloatArray,
    RunnerProfile,
    profile_arrays,
    validate_sessions,
)

METHODS: tuple[str, ...] = ("srpe", "trimp", "edwards", "pace", "duration")
POPULATION_LOG_RATIO: dict[str, float] = {
    "trimp": float(np.log(2.5)),
    "edwards": float(np.log(1.5)),
    "pace": float(np.log(4.0)),
}
SHRINKAGE_K = 10.0
#: Sport-typical CR-10 RPE used when nothing but the duration is known (engine assumption).
DEFAULT_RPE: dict[str, float] = {
    "running": 4.0,
    "trail": 4.5,
    "treadmill": 4.0,
    "walking": 2.0,
    "cycling": 3.5,
    "swimming": 4.0,
    "other": 3.5,
}
_PACE_SPORTS = frozenset({"running", "trail", "treadmill", "walking"})
#: Easy running speed as a fraction of threshold speed, for estimating threshold pace from data.
EASY_FRACTION_OF_THRESHOLD = 0.80


def srpe(rpe: FloatArray | float, duration_s: FloatArray | float) -> FloatArray:
    """Session-RPE load, LU: CR-10 RPE x minutes (Foster et al. 2001). 7 x 50 min = 350."""
    return np.asarray(rpe, dtype=np.float64) * np.asarray(duration_s, dtype=np.float64) / 60.0


def banister_trimp(
    duration_s: FloatArray | float,
    avg_hr: FloatArray | float,
    hr_rest: FloatArray | float,
    hr_max: FloatArray | float,
    female: FloatArray | float = np.nan,
) -> FloatArray:
    """Banister TRIMP (arbitrary units) = minutes x HRr x a e^(b HRr) (Banister 1991).

    ``female`` 1.0 uses a, b = 0.86, 1.67; 0.0 uses 0.64, 1.92; NaN averages the two curves.
    HRr = (avg_hr - hr_rest) / (hr_max - hr_rest), clipped to [0, 1]; heart rates in bpm.
    """
    minutes = np.asarray(duration_s, dtype=np.float64) / 60.0
    hrr = (np.asarray(avg_hr, dtype=np.float64) - hr_rest) / (np.asarray(hr_max, dtype=np.float64) - hr_rest)
    hrr = np.clip(hrr, 0.0, 1.0)
    men = 0.64 * np.exp(1.92 * hrr)
    women = 0.86 * np.exp(1.67 * hrr)
    fem = np.broadcast_to(np.asarray(female, dtype=np.float64), hrr.shape)
    weight = np.where(np.isnan(fem), 0.5 * (men + women), np.where(fem > 0.5, women, men))
    return np.asarray(minutes * hrr * weight, dtype=np.float64)


def edwards_trimp(
    duration_s: FloatArray | float, avg_hr: FloatArray | float, hr_max: FloatArray | float
) -> FloatArray:
    """Edwards TRIMP from the mean HR only: minutes x zone weight (Edwards 1993).

    Zones by % HRmax: [50, 60) -> 1, [60, 70) -> 2, [70, 80) -> 3, [80, 90) -> 4, >= 90 -> 5,
    below 50 % -> 0.
    """
    minutes = np.asarray(duration_s, dtype=np.float64) / 60.0
    pct = np.asarray(avg_hr, dtype=np.float64) / np.asarray(hr_max, dtype=np.float64)
    zone = np.clip(np.floor(pct * 10.0) - 4.0, 0.0, 5.0)
    zone = np.where(np.isnan(pct), np.nan, zone)
    return np.asarray(minutes * zone, dtype=np.float64)


def pace_stress(
    duration_s: FloatArray | float,
    distance_m: FloatArray | float,
    threshold_pace_s_per_km: FloatArray | float,
) -> FloatArray:
    """rTSS-like pace stress = hours x IF^2 x 100, IF = threshold pace / pace (pace in s/km).

    One hour at threshold pace scores 100 (the TrainingPeaks rTSS convention, without grade
    adjustment). IF is clipped to [0.3, 1.5] to contain GPS errors.
    """
    dur = np.asarray(duration_s, dtype=np.float64)
    pace = dur / (np.asarray(distance_m, dtype=np.float64) / 1000.0)
    intensity = np.clip(np.asarray(threshold_pace_s_per_km, dtype=np.float64) / pace, 0.3, 1.5)
    return np.asarray(dur / 3600.0 * intensity**2 * 100.0, dtype=np.float64)


def estimate_threshold_pace(sessions: pd.DataFrame) -> pd.Series:
    """Threshold pace per runner (s/km) = median pace of runs / (1 / 0.80), needs >= 3 runs.

    Runs are running/trail/treadmill sessions of at least 15 minutes with a plausible pace
    (150-900 s/km). Runners with fewer than 3 such runs are absent from the result.
    """
    dist = sessions["distance_m"].to_numpy(dtype=np.float64)
    dur = sessions["duration_s"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = dur / (dist / 1000.0)
    ok = sessions["sport"].isin(RUN_SPORTS).to_numpy() & (dur >= 900.0) & (pace >= 150.0) & (pace <= 900.0)
    if not ok.any():
        return pd.Series(dtype="float64")
    rid = sessions["runner_id"].to_numpy(dtype=np.int64)[ok]
    p = pace[ok]
    order = np.lexsort((p, rid))
    rid, p = rid[order], p[order]
    uniq, first, cnt = np.unique(rid, return_index=True, return_counts=True)
    lo = first + (cnt - 1) // 2
    hi = first + cnt // 2
    med = 0.5 * (p[lo] + p[hi])
    keep = cnt >= 3
    return pd.Series(med[keep] * EASY_FRACTION_OF_THRESHOLD, index=pd.Index(uniq[keep], name="runner_id"))


def _lookup(keys: npt.NDArray[np.int64], values: FloatArray, wanted: npt.NDArray[np.int64],
            default: float) -> FloatArray:
    """``values`` at ``wanted`` keys (``default`` for keys not in ``keys`` and for NaN values)."""
    if not len(keys):
        return np.full(len(wanted), default)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    pos = np.clip(np.searchsorted(sorted_keys, wanted), 0, len(keys) - 1)
    found = sorted_keys[pos] == wanted
    out = np.where(found, values[order][pos], default)
    return np.where(np.isnan(out), default, out)


@dataclass
class SessionLoadModel:
    """Computes session load in LU and calibrates the methods to sRPE per runner.

    Parameters
    ----------
    population_log_ratio:
        ln(LU per method unit) for ``trimp``, ``edwards`` and ``pace`` (see module docstring).
    shrinkage_k:
        pseudo-count ``k`` in the shrinkage weight ``n / (n + k)``.

    ``fit`` learns ``log_ratio_`` (a DataFrame runner_id x method) and ``threshold_pace_``
    (s/km per runner); ``transform`` returns the sessions with the load columns appended.
    """

    population_log_ratio: Mapping[str, float] = field(default_factory=lambda: dict(POPULATION_LOG_RATIO))
    shrinkage_k: float = SHRINKAGE_K

    def _raw(
        self,
        s: pd.DataFrame,
        profiles: Mapping[int, RunnerProfile] | RunnerProfile | None,
        threshold: pd.Series | None,
    ) -> dict[str, FloatArray]:
        """Each method's raw value per session (arrays; the calibration and the transform read them)."""
        rid = s["runner_id"].to_numpy(dtype=np.int64)
        uniq, inv = np.unique(rid, return_inverse=True)
        prof = profile_arrays(profiles, uniq)
        dur = s["duration_s"].to_numpy(dtype=np.float64)
        hr = s["avg_hr"].to_numpy(dtype=np.float64)
        dist = s["distance_m"].to_numpy(dtype=np.float64)
        sport = s["sport"].to_numpy(dtype=object)
        hr_max = prof.hr_max[inv]
        hr_rest = prof.hr_rest[inv]
        thr = prof.threshold_pace[inv]
        if threshold is not None and len(threshold):
            est = threshold.reindex(uniq).to_numpy(dtype=np.float64)[inv]
            thr = np.where(np.isnan(thr), est, thr)
        thr = np.where(np.isnan(thr), DEFAULT_THRESHOLD_PACE_S_PER_KM, thr)
        sports = sport.tolist()
        with np.errstate(divide="ignore", invalid="ignore"):
            pace_ok = np.fromiter((x in _PACE_SPORTS for x in sports), dtype=bool, count=len(sports)) & (dist > 0)
            pace = dur / (dist / 1000.0)
            hrr = (hr - hr_rest) / (hr_max - hr_rest)
            columns = {
                "srpe": srpe(s["rpe"].to_numpy(dtype=np.float64), dur),
                "trimp": banister_trimp(dur, hr, hr_rest, hr_max, prof.female[inv]),
                "edwards": edwards_trimp(dur, hr, hr_max),
                "pace": np.where(pace_ok, pace_stress(dur, dist, thr), np.nan),
                "intensity_pace": np.where(pace_ok, np.clip(thr / pace, 0.3, 1.5), np.nan),
                "hrr": np.clip(hrr, 0.0, 1.0),
                "threshold_pace_s_per_km": thr,
            }
        default_rpe = np.fromiter((DEFAULT_RPE.get(x, 3.5) for x in sports), dtype=np.float64, count=len(sports))
        columns["duration"] = default_rpe * dur / 60.0
        return columns

    def fit(
        self, sessions: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None
    ) -> Self:
        """Learn each runner's threshold pace and per-method log ratios (shrunk toward population)."""
        return self._fit(validate_sessions(sessions), profiles)

    def _fit(self, s: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None) -> Self:
        self.threshold_pace_ = estimate_threshold_pace(s)
        return self._fit_raw(s, self._raw(s, profiles, self.threshold_pace_))

    def _fit_raw(self, s: pd.DataFrame, raw: Mapping[str, FloatArray]) -> Self:
        runners, ratios, counts = self._calibration(s, raw)
        index = pd.Index(runners, name="runner_id")
        self.log_ratio_ = pd.DataFrame(ratios, index=index)
        self.n_calibration_ = pd.DataFrame(counts, index=index)
        return self

    def _calibration(
        self, s: pd.DataFrame, raw: Mapping[str, FloatArray]
    ) -> tuple[npt.NDArray[np.int64], dict[str, FloatArray], dict[str, FloatArray]]:
        """Runner ids (sorted) and, per method, the shrunk mean log ratio to sRPE and its count."""
        rid = s["runner_id"].to_numpy(dtype=np.int64)
        runners, inv = np.unique(rid, return_inverse=True)
        ratios: dict[str, FloatArray] = {}
        counts: dict[str, FloatArray] = {}
        srpe_v = raw["srpe"]
        for m in ("trimp", "edwards", "pace"):
            pop = float(self.population_log_ratio[m])
            with np.errstate(divide="ignore", invalid="ignore"):
                lr = np.log(srpe_v / raw[m])
            ok = np.isfinite(lr)
            n = np.bincount(inv[ok], minlength=len(runners)).astype(np.float64)
            tot = np.bincount(inv[ok], weights=lr[ok], minlength=len(runners))
            # shrunk mean: w * mean + (1 - w) * pop with w = n / (n + k)
            ratios[m] = (tot + self.shrinkage_k * pop) / (n + self.shrinkage_k)
            counts[m] = n
        return runners, ratios, counts

    def transform(
        self, sessions: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None
    ) -> pd.DataFrame:
        """Validated sessions plus ``load`` (LU), ``load_method`` and ``intensity_pace``/``hrr``."""
        return self._transform(validate_sessions(sessions), profiles)

    def _transform(
        self, s: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None
    ) -> pd.DataFrame:
        threshold = getattr(self, "threshold_pace_", None)
        return self._transform_raw(s, self._raw(s, profiles, threshold))

    def _transform_raw(self, s: pd.DataFrame, raw: Mapping[str, FloatArray]) -> pd.DataFrame:
        log_ratio = getattr(self, "log_ratio_", None)
        calibration = None
        if log_ratio is not None and len(log_ratio):
            keys = log_ratio.index.to_numpy(dtype=np.int64)
            calibration = (keys, {m: log_ratio[m].to_numpy(dtype=np.float64) for m in ("trimp", "edwards", "pace")})
        return self._apply(s, raw, calibration)

    def _apply(
        self,
        s: pd.DataFrame,
        raw: Mapping[str, FloatArray],
        calibration: tuple[npt.NDArray[np.int64], Mapping[str, FloatArray]] | None,
    ) -> pd.DataFrame:
        """``s`` plus the load columns: sRPE where known, else the first calibrated method that has a value."""
        rid = s["runner_id"].to_numpy(dtype=np.int64)
        load = raw["srpe"].copy()
        method = np.where(np.isnan(load), "", "srpe").astype(object)
        for m in ("trimp", "edwards", "pace"):
            pop = float(self.population_log_ratio[m])
            if calibration is not None:
                lr = _lookup(calibration[0], calibration[1][m], rid, pop)
            else:
                lr = np.full(len(s), pop)
            cand = raw[m] * np.exp(lr)
            use = np.isnan(load) & np.isfinite(cand)
            load = np.where(use, cand, load)
            method[use] = m
        use = np.isnan(load)
        load = np.where(use, raw["duration"], load)
        method[use] = "duration"
        data = {c: s[c].to_numpy() for c in s.columns}
        data.update(load=load, load_method=method, intensity_pace=raw["intensity_pace"], hrr=raw["hrr"],
                    threshold_pace_s_per_km=raw["threshold_pace_s_per_km"])
        return pd.DataFrame(data, index=s.index)

    def fit_transform(
        self, sessions: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None
    ) -> pd.DataFrame:
        """``fit`` then ``transform`` on the same sessions (validated once)."""
        s = validate_sessions(sessions)
        return self._fit(s, profiles)._transform(s, profiles)


def session_load(
    sessions: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None
) -> pd.DataFrame:
    """Validated sessions with ``load`` in LU (fits the per-runner calibration on these sessions)."""
    return SessionLoadModel().fit_transform(sessions, profiles)


def load_validated(
    sessions: pd.DataFrame, profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None
) -> pd.DataFrame:
    """Like :func:`session_load` for a frame already passed through ``validate_sessions``."""
    model = SessionLoadModel()
    raw = model._raw(sessions, profiles, estimate_threshold_pace(sessions))
    runners, ratios, _counts = model._calibration(sessions, raw)
    return model._apply(sessions, raw, (runners, ratios))
