"""Daily training-load series per runner, vectorised over a (runners x days) matrix.

Every calendar day from a runner's first session to ``end`` is filled (no session = 0 load).
All loads are in load units (LU, session-RPE units, see :mod:`coaching.load`), distances in metres.

Columns of :func:`daily_metrics` (index: ``runner_id``, ``date``):

========================  ===============================================================================
load                      the day's total load, LU (all sports)
run_distance_m            the day's running distance (running, trail, treadmill), metres
longest_run_m             the day's longest single run, metres
fitness                   EWMA of load, tau 42 d: f_t = f_(t-1) e^(-1/42) + (1 - e^(-1/42)) L_t (LU/day).
                          This is Banister's impulse-response fitness term with k1 = 1 - e^(-1/42)
                          (Banister 1975; Morton, Fitz-Clarke & Banister 1990)
fatigue                   the same with tau 7 d
form                      fitness - fatigue (LU/day); negative after recent hard training
acute_ewma / chronic_ewma EWMA_t = lambda L_t + (1 - lambda) EWMA_(t-1), lambda = 2/(N+1), N = 7 and 28
                          (Williams et al. 2017, BJSM 51), started at 0 on the first day
acwr                      acute_ewma / chronic_ewma; NaN until 28 days of history (Williams 2017; weak
                          predictor: Impellizzeri et al. 2020, Lolli et al. 2019)
load_7d, load_prev_7d     sum of load over days t-6..t and t-13..t-7
load_wow                  load_7d / load_prev_7d - 1 (NaN when the previous week is 0)
distance_7d, distance_wow the same for running distance
monotony                  mean / SD (sample SD, ddof 1) of the 7 daily loads t-6..t (Foster 1998, MSSE
                          30(7)); NaN for an empty week, capped at :data:`MONOTONY_CAP`
strain                    load_7d x monotony (Foster 1998)
longest_run_7d_m          longest single run in days t-6..t
longest_run_prev30_m      longest single run in the 30 days before that week (t-36..t-7)
longest_run_30d_m         longest single run in days t-29..t (the reference for the next run)
spike_pct                 largest relative increase of a run in t-6..t over the longest run of the 30 days
                          before that run (Frandsen et al. 2025, BJSM), e.g. 0.25 = 25 % longer; inf when
                          the runner had history but no run in those 30 days; NaN when no run/no reference
spike_band                0: <= 10 % (or none), 1: 10-30 %, 2: 30-100 %, 3: > 100 % (Frandsen 2025 bands)
days_of_history           days since the runner's first session (1 on that day), 0 before
========================  ===============================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from coaching.inputs import RUN_SPORTS, FloatArray, RunnerProfile
from coaching.load import SessionLoadModel

TAU_FITNESS_D = 42.0
TAU_FATIGUE_D = 7.0
ACWR_ACUTE_N = 7
ACWR_CHRONIC_N = 28
MONOTONY_CAP = 10.0
#: Upper edges of the Frandsen et al. 2025 spike bands (fractional increase over the 30-day longest).
SPIKE_EDGES: tuple[float, float, float] = (0.10, 0.30, 1.00)
SPIKE_BAND_LABELS: tuple[str, ...] = ("<=10%", "10-30%", "30-100%", ">100%")

COLUMNS: tuple[str, ...] = (
    "load",
    "run_distance_m",
    "longest_run_m",
    "fitness",
    "fatigue",
    "form",
    "acute_ewma",
    "chronic_ewma",
    "acwr",
    "load_7d",
    "load_prev_7d",
    "load_wow",
    "distance_7d",
    "distance_prev_7d",
    "distance_wow",
    "monotony",
    "strain",
    "longest_run_7d_m",
    "longest_run_prev30_m",
    "longest_run_30d_m",
    "spike_pct",
    "spike_band",
    "days_of_history",
)


def ewma(x: FloatArray, decay: float, gain: float) -> FloatArray:
    """y_t = decay * y_(t-1) + gain * x_t along the last axis, y_(-1) = 0 (a first-order IIR filter).

    Computed in blocks with the closed form y_(s+j) = decay^(j+1) y_(s-1) + gain decay^j
    sum_(i<=j) x_(s+i) decay^(-i), so that numpy does the work in C; blocks are short enough that
    decay^(-i) stays below 1e12 (loads are non-negative, so no cancellation). Pure numpy: the engine
    does not import SciPy, whose signal module alone costs the bot ~40 MB and half a second at start.
    """
    a = np.asarray(x, dtype=np.float64)
    n = a.shape[-1]
    out = np.empty_like(a)
    if n == 0:
        return out
    if not 0.0 < decay < 1.0:
        raise ValueError("decay must be in (0, 1)")
    block = max(1, min(n, int(np.log(1e12) / -np.log(decay))))
    j = np.arange(block, dtype=np.float64)
    grow = decay ** -j  # decay^(-i)
    shrink = decay**j  # decay^j
    carry = np.zeros(a.shape[:-1])
    for s in range(0, n, block):
        m = min(block, n - s)
        part = np.cumsum(a[..., s : s + m] * grow[:m], axis=-1) * (gain * shrink[:m])
        part += carry[..., None] * (decay * shrink[:m])
        out[..., s : s + m] = part
        carry = part[..., -1]
    return out


def impulse_response(x: FloatArray, tau_days: float) -> FloatArray:
    """Banister-style exponentially weighted mean load with time constant ``tau_days``."""
    decay = float(np.exp(-1.0 / tau_days))
    return ewma(x, decay, 1.0 - decay)


def williams_ewma(x: FloatArray, n_days: int) -> FloatArray:
    """EWMA with lambda = 2 / (N + 1) (Williams et al. 2017)."""
    lam = 2.0 / (n_days + 1.0)
    return ewma(x, 1.0 - lam, lam)


def trailing_sum(x: FloatArray, window: int) -> FloatArray:
    """Sum over the last ``window`` days including today (fewer at the start), last axis."""
    cs = np.cumsum(x, axis=-1)
    out = cs.copy()
    out[..., window:] -= cs[..., :-window]
    return out


def shift(x: FloatArray, days: int, fill: float = 0.0) -> FloatArray:
    """Value ``days`` days earlier along the last axis (``fill`` before the start)."""
    if days <= 0:
        return x
    out = np.full_like(x, fill)
    out[..., days:] = x[..., :-days]
    return out


def trailing_max(x: FloatArray, window: int, fill: float = 0.0) -> FloatArray:
    """Max over the last ``window`` days including today; days before the start count as ``fill``.

    O(days) whatever the window (van Herk 1992 / Gil & Werman 1993): block-wise running maxima
    from the left and from the right, combined at each window's two ends.
    """
    a = np.asarray(x, dtype=np.float64)
    n = a.shape[-1]
    if window <= 1 or n == 0:
        return a.copy()
    lead = (*a.shape[:-1],)
    total = -(-(n + window - 1) // window) * window  # padded length, a multiple of the window
    padded = np.full((*lead, total), fill)
    padded[..., window - 1 : window - 1 + n] = a
    blocks = padded.reshape(*lead, total // window, window)
    left = np.maximum.accumulate(blocks, axis=-1).reshape(*lead, total)
    right = np.maximum.accumulate(blocks[..., ::-1], axis=-1)[..., ::-1].reshape(*lead, total)
    return np.maximum(right[..., :n], left[..., window - 1 : window - 1 + n])


@dataclass(frozen=True, slots=True)
class DailyArrays:
    """The daily grid: ``values[name]`` is a (runners x days) array for each of :data:`COLUMNS`."""

    runner_ids: npt.NDArray[np.int64]
    dates: pd.DatetimeIndex
    values: dict[str, FloatArray]

    def to_frame(self, start: pd.Timestamp | None = None) -> pd.DataFrame:
        """Long DataFrame indexed by (runner_id, date), days from ``start`` on."""
        j0 = 0 if start is None else int(self.dates.searchsorted(start))
        dates = self.dates[j0:]
        r, d = len(self.runner_ids), len(dates)
        index = pd.MultiIndex(
            levels=[pd.Index(self.runner_ids, name="runner_id"), dates.rename("date")],  # type: ignore[list-item]
            codes=[np.repeat(np.arange(r), d), np.tile(np.arange(d), r)],  # type: ignore[list-item]
            names=["runner_id", "date"],
        )
        data = {c: self.values[c][:, j0:].reshape(-1) for c in COLUMNS}
        return pd.DataFrame(data, index=index, copy=False)

    def tail(self, n_days: int | None) -> DailyArrays:
        """The last ``n_days`` days (all when None or longer than the grid)."""
        if n_days is None or n_days >= len(self.dates):
            return self
        return DailyArrays(
            self.runner_ids, self.dates[-n_days:], {k: a[:, -n_days:] for k, a in self.values.items()}
        )

    def today(self, day: int = -1) -> pd.DataFrame:
        """One row per runner for one day (default the last)."""
        return pd.DataFrame(
            {c: self.values[c][:, day] for c in COLUMNS},
            index=pd.Index(self.runner_ids, name="runner_id"),
        )


def grid_bounds(
    dates: pd.Series, start: pd.Timestamp | str | None, end: pd.Timestamp | str | None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the computation grid (history before ``start`` is kept)."""
    dmin = dates.min() if len(dates) else pd.NaT
    dmax = dates.max() if len(dates) else pd.NaT
    s = pd.Timestamp(start).normalize() if start is not None else None
    e = pd.Timestamp(end).normalize() if end is not None else None
    if e is None:
        e = dmax if not pd.isna(dmax) else (s if s is not None else pd.Timestamp.today().normalize())
    origin = dmin if not pd.isna(dmin) else (s if s is not None else e)
    if s is not None and s < origin:
        origin = s
    if origin > e:
        origin = e
    return pd.Timestamp(origin), pd.Timestamp(e)


def compute_daily(
    loaded: pd.DataFrame,
    runner_ids: npt.ArrayLike,
    origin: pd.Timestamp,
    end: pd.Timestamp,
) -> DailyArrays:
    """Daily arrays from sessions that already carry ``load`` (see :class:`SessionLoadModel`).

    Sessions after ``end`` or of runners not in ``runner_ids`` are ignored.
    """
    ids = np.asarray(runner_ids, dtype=np.int64)
    dates = pd.date_range(origin, end, freq="D")
    n_r, n_d = len(ids), len(dates)
    day = (
        (loaded["date"].to_numpy(dtype="datetime64[ns]") - np.datetime64(origin, "ns"))
        // np.timedelta64(1, "D")
    ).astype(np.int64)
    pos = np.searchsorted(ids, loaded["runner_id"].to_numpy(dtype=np.int64))
    pos_c = np.minimum(pos, max(n_r - 1, 0))
    ok = (day >= 0) & (day < n_d) & (n_r > 0)
    if n_r:
        ok &= ids[pos_c] == loaded["runner_id"].to_numpy(dtype=np.int64)
    flat = pos_c[ok] * n_d + day[ok]
    size = n_r * n_d
    load_v = loaded["load"].to_numpy(dtype=np.float64)[ok]
    load = np.asarray(
        np.bincount(flat, weights=np.nan_to_num(load_v), minlength=size), dtype=np.float64
    ).reshape(n_r, n_d)
    is_run = loaded["sport"].isin(RUN_SPORTS).to_numpy()[ok]
    dist_v = np.where(is_run, np.nan_to_num(loaded["distance_m"].to_numpy(dtype=np.float64)[ok]), 0.0)
    dist = np.asarray(np.bincount(flat, weights=dist_v, minlength=size), dtype=np.float64).reshape(n_r, n_d)
    longest_flat = np.zeros(size)
    np.maximum.at(longest_flat, flat, dist_v)
    longest = longest_flat.reshape(n_r, n_d)

    first = np.full(n_r, n_d, dtype=np.int64)
    if flat.size:
        np.minimum.at(first, flat // n_d, flat % n_d)
    t = np.arange(n_d)[None, :]
    hist: FloatArray = np.asarray(np.clip(t - first[:, None] + 1, 0, None), dtype=np.float64)

    v: dict[str, FloatArray] = {"load": load, "run_distance_m": dist, "longest_run_m": longest}
    v["fitness"] = impulse_response(load, TAU_FITNESS_D)
    v["fatigue"] = impulse_response(load, TAU_FATIGUE_D)
    v["form"] = v["fitness"] - v["fatigue"]
    v["acute_ewma"] = williams_ewma(load, ACWR_ACUTE_N)
    v["chronic_ewma"] = williams_ewma(load, ACWR_CHRONIC_N)
    with np.errstate(divide="ignore", invalid="ignore"):
        acwr = v["acute_ewma"] / v["chronic_ewma"]
    v["acwr"] = np.where((hist >= ACWR_CHRONIC_N) & (v["chronic_ewma"] > 1e-9), acwr, np.nan)

    l7 = trailing_sum(load, 7)
    lp7 = shift(l7, 7)
    d7 = trailing_sum(dist, 7)
    dp7 = shift(d7, 7)
    v["load_7d"], v["load_prev_7d"] = l7, lp7
    v["distance_7d"], v["distance_prev_7d"] = d7, dp7
    with np.errstate(divide="ignore", invalid="ignore"):
        v["load_wow"] = np.where(lp7 > 0, l7 / lp7 - 1.0, np.nan)
        v["distance_wow"] = np.where(dp7 > 0, d7 / dp7 - 1.0, np.nan)
        sq7 = trailing_sum(load * load, 7)
        var = np.clip((sq7 - l7 * l7 / 7.0) / 6.0, 0.0, None)
        sd = np.sqrt(var)
        mean = l7 / 7.0
        mono = np.where(sd > 1e-9 * np.maximum(mean, 1.0), mean / sd, MONOTONY_CAP)
    mono = np.where(l7 > 0, np.minimum(mono, MONOTONY_CAP), np.nan)
    v["monotony"] = mono
    v["strain"] = l7 * mono

    max7 = trailing_max(longest, 7)
    prev30 = shift(trailing_max(longest, 30), 1)  # days t-30..t-1 for a run on day t
    v["longest_run_7d_m"] = max7
    v["longest_run_prev30_m"] = shift(trailing_max(longest, 30), 7)
    v["longest_run_30d_m"] = trailing_max(longest, 30)
    ran = longest > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        inc = np.where(prev30 > 0, longest / prev30 - 1.0, np.where(hist > 31, np.inf, -2.0))
    inc = np.where(ran, inc, -2.0)
    spike = trailing_max(inc, 7, fill=-2.0)
    spike = np.where(spike <= -1.5, np.nan, spike)
    v["spike_pct"] = spike
    s0 = np.nan_to_num(spike, nan=-1.0, posinf=np.inf)
    v["spike_band"] = (s0 > SPIKE_EDGES[0]).astype(np.float64) + (s0 > SPIKE_EDGES[1]) + (s0 > SPIKE_EDGES[2])
    v["days_of_history"] = hist
    return DailyArrays(ids, dates, v)


def daily_arrays(
    sessions: pd.DataFrame,
    profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
    runner_ids: npt.ArrayLike | None = None,
) -> tuple[DailyArrays, pd.DataFrame]:
    """Session loads (fitted per runner) and the daily arrays over the whole history to ``end``."""
    loaded = SessionLoadModel().fit_transform(sessions, profiles)
    ids = np.unique(loaded["runner_id"].to_numpy(dtype=np.int64))
    if runner_ids is not None:
        ids = np.unique(np.concatenate([ids, np.asarray(runner_ids, dtype=np.int64)]))
    origin, e = grid_bounds(loaded["date"], start, end)
    return compute_daily(loaded, ids, origin, e), loaded


def daily_metrics(
    sessions: pd.DataFrame,
    profiles: Mapping[int, RunnerProfile] | RunnerProfile | None = None,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Daily series indexed by (runner_id, date), every calendar day from ``start`` to ``end``.

    ``start`` defaults to the first session (history before ``start`` still feeds the EWMAs);
    ``end`` defaults to the last session. Columns: see the module docstring.
    """
    arrays, _ = daily_arrays(sessions, profiles, start, end)
    s = pd.Timestamp(start).normalize() if start is not None else None
    return arrays.to_frame(s)
