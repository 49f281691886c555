"""Walk-forward evaluation on real training histories: the personalisation curve.

Data: runs in the schema of ``strava_runs_train.csv`` (semicolon-separated: athlete; gender; timestamp
(day-first); distance (m); elapsed time (s); elevation gain (m); average heart rate (bpm)).

Protocol, per athlete, fixed in advance:

1. Runs are cleaned (1-50 km, pace 2:30-15:00 min/km) and efforts are flagged causally with
   :func:`coaching.prediction.efforts.detect_efforts` (each run judged only against the runs before it).
2. Cut-offs at 4, 8, 12, 26 weeks after the athlete's first run, then every 13 weeks while data last.
   History length at a cut-off = weeks since the first run, bucketed "4", "8", "12", "26+".
3. Inputs: the efforts of the 52 weeks before the cut-off (at most the 30 most recent), with their
age in weeks,
   the athlete's sex and weekly km over the previous 8 weeks (or fewer, if the history is shorter).
   Targets: the efforts of 3-42.2 km in the 4 weeks after the cut-off. Each target is predicted once.
4. Methods, all from the inputs only:
   * ``riegel``: Riegel 1.06 from the most recent effort;
   * ``population``: the Vickers population model applied to the efforts (population exponent, no individual
     parameter; :func:`coaching.prediction.individual.predict_log_time` with ``use_individual_slope=False``);
   * ``individual``: the athlete's own recency-weighted log-log line through their efforts, no population
     information (:func:`coaching.prediction.individual.predict_own_log_time`);
   * ``pooled``: partial pooling (the population model plus the athlete's own exponent shrunk with the k
     estimated on the Vickers data, :func:`coaching.prediction.individual.predict_log_time`);
   * ``hybrid``: (1 - w) log pooled + w log individual, w per effort group ("1" effort / "2+"), with its
     80% interval exp(log hybrid + z_lo sd) .. exp(log hybrid + z_hi sd) (sd of the pooled prediction, z the
     10%/90% quantiles of standardised residuals of training EFFORTS, not the Vickers race quantiles).
     w and z are fitted by :func:`fit_blend` on the OTHER athletes only: 5-fold GroupKFold over athletes
     (shuffle, random_state 0), w on the grid 0, 0.05, ..., 1 minimising mean absolute log error.
     Fixed in advance: the two groups, the grid, the loss, the folds.
   * ``traits_only`` (context): the population model from sex and weekly km alone.
5. Error: absolute percentage error of each target's elapsed time; reported per bucket as MAPE (mean),
   median APE and the number of targets and athletes; plus the 80%-interval coverage of the hybrid.
   Targets without an individual-only answer cannot occur (every cut-off has at least one input effort).

Caveat: targets are flagged partly by pace (near the athlete's best), a selection on the outcome that favours
fast predictions; it applies to every method equally. Elapsed time includes stops.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching.prediction.efforts import detect_efforts
from coaching.prediction.individual import Effort, predict_log_time, predict_own_log_time
from coaching.prediction.intervals import coverage
from coaching.prediction.population import PopulationModel, RunnerTraits, load_population_model
from coaching.prediction.riegel import riegel_time

COLUMNS = ["athlete", "gender", "date", "distance_m", "time_s", "elevation_m", "avg_hr"]
CUTOFF_WEEKS = (4, 8, 12, 26)
STEP_AFTER_26 = 13
TARGET_WINDOW_WEEKS = 4
INPUT_WINDOW_WEEKS = 52
MAX_INPUT_EFFORTS = 30
METHODS = ("riegel", "population", "individual", "pooled", "hybrid", "traits_only")


def load_runs(path: Path | str) -> pd.DataFrame:
    """Read a Strava-races style file (';'-separated, day-first timestamps) with canonical column names."""
    df = pd.read_csv(path, sep=";")
    df.columns = pd.Index(COLUMNS)
    df["date"] = pd.to_datetime(df["date"], dayfirst=True)
    return df


def bucket(weeks: float) -> str:
    """History bucket of a cut-off ``weeks`` after the first run."""
    if weeks >= 26:
        return "26+"
    if weeks >= 12:
        return "12"
    if weeks >= 8:
        return "8"
    return "4"


def _athlete_predictions(model: PopulationModel, runs: pd.DataFrame) -> list[dict[str, Any]]:
    df = detect_efforts(runs[runs["distance_m"] <= 50_000])
    df = df[df["valid"]]
    if df.empty:
        return []
    sex = "female" if str(runs["gender"].iloc[0]).upper().startswith("F") else "male"
    t0 = df["date"].min()
    t_end = df["date"].max()
    cut_weeks = list(CUTOFF_WEEKS)
    while t0 + pd.Timedelta(weeks=cut_weeks[-1] + STEP_AFTER_26) <= t_end:
        cut_weeks.append(cut_weeks[-1] + STEP_AFTER_26)
    efforts = df[df["effort"]]
    out: list[dict[str, Any]] = []
    for w in cut_weeks:
        cut = t0 + pd.Timedelta(weeks=w)
        past = efforts[
            (efforts["date"] < cut) & (efforts["date"] >= cut - pd.Timedelta(weeks=INPUT_WINDOW_WEEKS))
        ]
        past = past.tail(MAX_INPUT_EFFORTS)
        targets = efforts[
            (efforts["date"] >= cut)
            & (efforts["date"] < cut + pd.Timedelta(weeks=TARGET_WINDOW_WEEKS))
            & (efforts["distance_m"] >= 3000)
            & (efforts["distance_m"] <= 42_500)
        ]
        if past.empty or targets.empty:
            continue
        vol_weeks = min(8, w)
        recent = df[(df["date"] < cut) & (df["date"] >= cut - pd.Timedelta(weeks=vol_weeks))]
        traits = RunnerTraits(sex=sex, weekly_km=float(recent["distance_m"].sum()) / 1000.0 / vol_weeks)
        eff = [
            Effort(
                float(r.distance_m),
                float(r.time_s),
                weeks_ago=(cut - r.date).total_seconds() / (7 * 86400.0),
                is_race=False,
            )
            for r in past.itertuples()
        ]
        last = past.iloc[-1]
        for tg in targets.itertuples():
            d = float(tg.distance_m)
            hyb = predict_log_time(model, d, eff, traits)
            pop = predict_log_time(model, d, eff, traits, use_individual_slope=False)
            own = predict_own_log_time(d, eff)
            trait = predict_log_time(model, d, [], traits)
            out.append(
                {
                    "athlete": runs["athlete"].iloc[0],
                    "weeks": w,
                    "bucket": bucket(w),
                    "observed_s": float(tg.time_s),
                    "riegel": riegel_time(float(last["time_s"]), float(last["distance_m"]), d),
                    "population": math.exp(pop.mu),
                    "individual": math.exp(own) if own is not None else math.nan,
                    "pooled": math.exp(hyb.mu),
                    "traits_only": math.exp(trait.mu),
                    "sd": hyb.sd,
                    "n_efforts": len(eff),
                }
            )
    return out


def effort_group(n_efforts: int) -> str:
    """Blend / interval group of a prediction by its number of input efforts: "1" or "2+"."""
    return "1" if n_efforts <= 1 else "2+"


def fit_blend(pred: pd.DataFrame, level: float = 0.8) -> dict[str, tuple[float, float, float]]:
    """Per effort group: (weight of the individual-only answer, lower z, upper z), fitted on ``pred``.

    The weight w (grid 0, 0.05, ..., 1) minimises the mean absolute log error of
    (1 - w) log pooled + w log individual (where individual-only exists); the z quantiles are the central
    ``level`` quantiles of (log observed - log blend) / sd over the same rows: an interval calibrated on
    training EFFORTS (the Vickers quantiles describe races).
    """
    out: dict[str, tuple[float, float, float]] = {}
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    y = np.log(pred["observed_s"].to_numpy(dtype=float))
    lp = np.log(pred["pooled"].to_numpy(dtype=float))
    li = np.log(pred["individual"].to_numpy(dtype=float))
    li = np.where(np.isfinite(li), li, lp)
    sd = pred["sd"].to_numpy(dtype=float)
    groups = np.array([effort_group(int(n)) for n in pred["n_efforts"]])
    for g in ("1", "2+"):
        m = groups == g
        if not m.any():
            out[g] = (0.0, -1.2815515655446004, 1.2815515655446004)
            continue
        ws = [i / 20 for i in range(21)]
        losses = [float(np.mean(np.abs(y[m] - ((1 - w) * lp[m] + w * li[m])))) for w in ws]
        w = ws[int(np.argmin(losses))]
        z = (y[m] - ((1 - w) * lp[m] + w * li[m])) / sd[m]
        out[g] = (w, float(np.quantile(z, lo_q)), float(np.quantile(z, hi_q)))
    return out


def apply_blend(pred: pd.DataFrame, blend: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    """Copy of ``pred`` with ``hybrid``, ``low_s``, ``high_s`` from the fitted ``blend``."""
    df = pred.copy()
    lp = np.log(df["pooled"].to_numpy(dtype=float))
    li = np.log(df["individual"].to_numpy(dtype=float))
    li = np.where(np.isfinite(li), li, lp)
    params = np.array([blend[effort_group(int(n))] for n in df["n_efforts"]]).reshape(-1, 3)
    mu = (1 - params[:, 0]) * lp + params[:, 0] * li
    sd = df["sd"].to_numpy(dtype=float)
    df["hybrid"] = np.exp(mu)
    df["low_s"] = np.exp(mu + np.minimum(params[:, 1], 0.0) * sd)
    df["high_s"] = np.exp(mu + np.maximum(params[:, 2], 0.0) * sd)
    return df


def predictions(
    runs: pd.DataFrame, model: PopulationModel | None = None, n_splits: int = 5, random_state: int = 0
) -> pd.DataFrame:
    """Every (athlete, cut-off, target) prediction of the protocol, one row each.

    The hybrid's blend weight and effort-interval quantiles (:func:`fit_blend`) are cross-fitted: athletes
    are split into ``n_splits`` groups (GroupKFold, shuffled with ``random_state``); each group's rows get
    the blend fitted on the other groups' rows only.
    """
    from sklearn.model_selection import GroupKFold

    m = model if model is not None else load_population_model()
    rows: list[dict[str, Any]] = []
    for _, g in runs.groupby("athlete", sort=True):
        rows.extend(_athlete_predictions(m, g))
    raw = pd.DataFrame(rows)
    parts = []
    gkf = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for tr, te in gkf.split(raw, groups=raw["athlete"]):
        parts.append(apply_blend(raw.iloc[te], fit_blend(raw.iloc[tr])))
    return pd.concat(parts).sort_index()


def summarise(pred: pd.DataFrame) -> dict[str, Any]:
    """MAPE / median APE of each method per history bucket (and overall), hybrid interval coverage."""
    result: dict[str, Any] = {"buckets": {}}
    for name in ("4", "8", "12", "26+", "all"):
        sub = pred if name == "all" else pred[pred["bucket"] == name]
        if sub.empty:
            continue
        obs = sub["observed_s"].to_numpy(dtype=float)
        entry: dict[str, Any] = {"n_targets": len(sub), "n_athletes": int(sub["athlete"].nunique())}
        for method in METHODS:
            ape = 100.0 * np.abs(sub[method].to_numpy(dtype=float) - obs) / obs
            entry[method] = {"mape_pct": float(np.nanmean(ape)), "median_ape_pct": float(np.nanmedian(ape))}
        entry["hybrid_vs_riegel_pct"] = 100.0 * (
            1 - entry["hybrid"]["mape_pct"] / entry["riegel"]["mape_pct"]
        )
        entry["coverage_80"] = coverage(obs, sub["low_s"].to_numpy(), sub["high_s"].to_numpy())
        result["buckets"][name] = entry
    return result


def evaluate(data: Path) -> dict[str, Any]:
    """``runcoach eval history --data RUNS.csv``: see the module docstring."""
    result = summarise(predictions(load_runs(data)))
    result["protocol"] = (
        "walk-forward per athlete: cut-offs at 4, 8, 12, 26 (+13k) weeks; "
        "inputs = efforts of the previous 52 weeks; targets = efforts of 3-42.2 km in the next 4 weeks; "
        "error = absolute % error of elapsed time"
    )
    return result


def format_text(result: dict[str, Any]) -> str:
    """Plain-text personalisation curve: MAPE per method and history bucket."""
    lines = [str(result.get("protocol", ""))]
    lines.append(
        f"{'weeks':<6}{'targets':>8}{'athl':>6}" + "".join(f"{m:>13}" for m in METHODS) + f"{'cov80':>7}"
    )
    for name, e in result["buckets"].items():
        vals = "".join(f"{e[m]['mape_pct']:>12.2f}%" for m in METHODS)
        lines.append(f"{name:<6}{e['n_targets']:>8}{e['n_athletes']:>6}{vals}{e['coverage_80']:>7.2f}")
    return "\n".join(lines)
