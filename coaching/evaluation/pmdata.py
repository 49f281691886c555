"""Evaluate readiness and injury risk on PMData (Thambawita et al. 2020, ACM MMSys; 16 athletes).

Layout expected under ``path``: ``pXX/pmsys/wellness.csv``, ``srpe.csv``, ``injury.csv`` and
``pXX/fitbit/resting_heart_rate.json``, ``sleep_score.csv`` (any of them may be absent).

Mapping to the engine's inputs (PMData's 1-5 items are 1 = worst ... 5 = best; checked: all
correlate positively with the 0-10 readiness rating):

* check-ins: fatigue = 6 - fatigue, soreness = 6 - soreness, stress = 6 - stress (engine: 5 =
  worst); mood and sleep_quality as they are; sleep_h = sleep_duration_h; 0 = not answered.
  Fitbit daily resting HR -> rhr_bpm (sleep_score.csv resting HR when the JSON lacks a day);
  Fitbit sleep score -> sleep_quality only when the questionnaire lacks it (<60: 1, 60s: 2,
  70s: 3, 80s: 4, >=90: 5). No HRV in PMData: the HRV signal is always missing.
* injury.csv: each reported body part -> pain (minor = 3/10, major = 7/10, injury flag when major).
* srpe.csv: a session with RPE and minutes; "running" in the activity names -> running, else other.
* Days are Europe/Oslo calendar days.

Protocol (no peeking): for every day t the engine runs on data dated <= t only (rows after t are
dropped before the call). Day t's check-in (a morning report) is an input; the readiness rating
of day t is not (the engine never reads it). Targets: the readiness (0-10) and fatigue ratings
of day t+1. Spearman rank correlation per athlete (>= 10 pairs), then median and IQR across
athletes. A persistence baseline (day t's own readiness rating) is reported for context.

Injury: an onset is a body part reported that was not reported in the previous 14 days. It was
"preceded by a high-risk week" when the engine's band was ``high`` on any of the 7 days before
the onset; the base rate is the share of all athlete-days whose previous 7 days held a ``high``
day. Limits: 16 athletes, ~5 months, self-reports, pain reports feed the risk model itself.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching.inputs import RunnerProfile
from coaching.readiness import (
    DEFAULT_WEIGHTS,
    SLEEP_NEED_H,
    WEIGHTS_PATH,
    WELLNESS_ITEMS,
    ReadinessWeights,
    checkin_grid,
    form_ratio,
    item_deviations,
    readiness_arrays,
    window_stats,
)
from coaching.risk import READINESS_LOOKBACK_D, EngineArrays, InjuryRiskModel, engine_arrays, risk_band

TZ = "Europe/Oslo"
_SEVERITY = {"minor": 3.0, "major": 7.0}
#: Signals whose weights are fitted on PMData; the others keep their literature defaults.
FITTED: tuple[str, ...] = (*WELLNESS_ITEMS, "sleep_quality", "form", "sleep_short", "rhr")
#: The fitted questionnaire weights are scaled so that they sum to the literature defaults' sum.
_POINTS_SUM = sum(getattr(ReadinessWeights(), k) for k in WELLNESS_ITEMS)
_MIN_FIT_DAYS = 20


def _local_day(values: pd.Series) -> pd.Series:
    ts = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    return ts.dt.tz_convert(TZ).dt.tz_localize(None).dt.normalize()


def _zero_nan(s: pd.Series) -> pd.Series:
    x = pd.to_numeric(s, errors="coerce")
    return x.where(x > 0)


def load_athlete(folder: Path, runner_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sessions, check-ins and the raw wellness targets (date, readiness, fatigue) of one athlete."""
    wpath = folder / "pmsys" / "wellness.csv"
    w = pd.read_csv(wpath) if wpath.exists() else pd.DataFrame(columns=["effective_time_frame"])
    w["date"] = _local_day(w["effective_time_frame"])
    w = w.dropna(subset=["date"])
    for col in ("fatigue", "mood", "sleep_quality", "soreness", "stress", "sleep_duration_h", "readiness"):
        if col not in w.columns:
            w[col] = np.nan
    checkins = pd.DataFrame(
        {
            "runner_id": runner_id,
            "date": w["date"],
            "fatigue": 6.0 - _zero_nan(w["fatigue"]),
            "soreness": 6.0 - _zero_nan(w["soreness"]),
            "stress": 6.0 - _zero_nan(w["stress"]),
            "mood": _zero_nan(w["mood"]),
            "sleep_quality": _zero_nan(w["sleep_quality"]),
            "sleep_h": _zero_nan(w["sleep_duration_h"]),
        }
    )
    targets = (
        pd.DataFrame(
            {
                "date": w["date"],
                "readiness": pd.to_numeric(w["readiness"], errors="coerce"),
                "fatigue": 6.0 - _zero_nan(w["fatigue"]),
            }
        )
        .groupby("date")
        .mean()
    )

    extra: list[pd.DataFrame] = []
    rpath = folder / "fitbit" / "resting_heart_rate.json"
    if rpath.exists():
        raw = json.loads(rpath.read_text())
        rows = [(r["dateTime"], r["value"].get("value")) for r in raw if isinstance(r.get("value"), dict)]
        rhr = pd.DataFrame(rows, columns=["date", "rhr_bpm"])
        rhr["date"] = pd.to_datetime(rhr["date"]).dt.normalize()
        rhr["rhr_bpm"] = _zero_nan(rhr["rhr_bpm"])
        extra.append(rhr.assign(runner_id=runner_id))
    spath = folder / "fitbit" / "sleep_score.csv"
    if spath.exists():
        sl = pd.read_csv(spath)
        sl["date"] = _local_day(sl["timestamp"])
        score = pd.to_numeric(sl["overall_score"], errors="coerce")
        q = pd.cut(score, [-1, 59.5, 69.5, 79.5, 89.5, 101], labels=[1.0, 2.0, 3.0, 4.0, 5.0]).astype(float)
        sq = (
            pd.DataFrame(
                {"date": sl["date"], "fitbit_quality": q, "fitbit_rhr": _zero_nan(sl["resting_heart_rate"])}
            )
            .groupby("date")
            .mean()
        )
        day_q = checkins.groupby("date")["sleep_quality"].mean()
        fill_q = sq["fitbit_quality"][~sq.index.isin(day_q.dropna().index)].dropna()
        if len(fill_q):
            extra.append(
                pd.DataFrame({"runner_id": runner_id, "date": fill_q.index, "sleep_quality": fill_q.values})
            )
        have_rhr = set(extra[0]["date"][extra[0]["rhr_bpm"].notna()]) if rpath.exists() else set()
        fill_r = sq["fitbit_rhr"][~sq.index.isin(list(have_rhr))].dropna()
        if len(fill_r):
            extra.append(
                pd.DataFrame({"runner_id": runner_id, "date": fill_r.index, "rhr_bpm": fill_r.values})
            )
    ipath = folder / "pmsys" / "injury.csv"
    if ipath.exists():
        inj = pd.read_csv(ipath)
        inj["date"] = _local_day(inj["effective_time_frame"])
        rows2 = []
        for d, txt in zip(inj["date"], inj["injuries"], strict=True):
            try:
                parts = ast.literal_eval(str(txt)) if isinstance(txt, str) else {}
            except (ValueError, SyntaxError):
                parts = {}
            for part, sev in (parts or {}).items():
                rows2.append(
                    {
                        "runner_id": runner_id,
                        "date": d,
                        "pain_area": str(part),
                        "pain_score": _SEVERITY.get(str(sev), 3.0),
                        "injury": 1.0 if str(sev) == "major" else 0.0,
                    }
                )
        if rows2:
            extra.append(pd.DataFrame(rows2))
    if extra:
        checkins = pd.concat([checkins, *extra], ignore_index=True)

    spath2 = folder / "pmsys" / "srpe.csv"
    if spath2.exists():
        sr = pd.read_csv(spath2)
        sr["date"] = _local_day(sr["end_date_time"])
        names = sr["activity_names"].astype(str)
        sessions = pd.DataFrame(
            {
                "runner_id": runner_id,
                "date": sr["date"],
                "sport": np.where(names.str.contains("running"), "running", "other"),
                "duration_s": pd.to_numeric(sr["duration_min"], errors="coerce") * 60.0,
                "rpe": _zero_nan(sr["perceived_exertion"]),
            }
        )
    else:
        sessions = pd.DataFrame(
            {
                "runner_id": pd.Series([], dtype="int64"),
                "date": pd.Series([], dtype="datetime64[ns]"),
                "duration_s": pd.Series([], dtype="float64"),
            }
        )
    return sessions, checkins, targets


def injury_onsets(folder: Path) -> list[pd.Timestamp]:
    """Days on which a body part was reported that was not reported in the 14 days before."""
    ipath = folder / "pmsys" / "injury.csv"
    if not ipath.exists():
        return []
    inj = pd.read_csv(ipath)
    inj["date"] = _local_day(inj["effective_time_frame"])
    last_seen: dict[str, pd.Timestamp] = {}
    onsets: list[pd.Timestamp] = []
    for d, txt in sorted(zip(inj["date"], inj["injuries"], strict=True), key=lambda x: x[0]):
        try:
            parts = ast.literal_eval(str(txt)) if isinstance(txt, str) else {}
        except (ValueError, SyntaxError):
            parts = {}
        new = False
        for part in parts or {}:
            prev = last_seen.get(str(part))
            if prev is None or (d - prev).days > 14:
                new = True
            last_seen[str(part)] = d
        if new and (not onsets or onsets[-1] != d):
            onsets.append(pd.Timestamp(d))
    return onsets


def _spearman(a: pd.Series, b: pd.Series) -> float:
    ok = a.notna() & b.notna()
    if ok.sum() < 10 or a[ok].nunique() < 2 or b[ok].nunique() < 2:
        return float("nan")
    return float(a[ok].rank().corr(b[ok].rank()))


def _summary(values: list[float]) -> dict[str, float | int]:
    x = np.array([v for v in values if np.isfinite(v)])
    if x.size == 0:
        return {"n_athletes": 0}
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    return {
        "n_athletes": int(x.size),
        "median": round(float(med), 3),
        "iqr_low": round(float(q1), 3),
        "iqr_high": round(float(q3), 3),
        "n_positive": int((x > 0).sum()),
    }


def _load_all(
    path: Path,
) -> tuple[list[Path], pd.DataFrame, pd.DataFrame, dict[int, pd.DataFrame], dict[int, list[pd.Timestamp]]]:
    folders = sorted(p for p in Path(path).iterdir() if p.is_dir() and p.name.startswith("p"))
    all_s, all_c = [], []
    targets: dict[int, pd.DataFrame] = {}
    onsets: dict[int, list[pd.Timestamp]] = {}
    for i, folder in enumerate(folders, start=1):
        s, c, t = load_athlete(folder, i)
        all_s.append(s)
        all_c.append(c)
        targets[i] = t
        onsets[i] = injury_onsets(folder)
    return folders, pd.concat(all_s, ignore_index=True), pd.concat(all_c, ignore_index=True), targets, onsets


class _FullRun:
    """The engine run once over the whole period; every day's values use data of days <= that day only."""

    def __init__(self, sessions: pd.DataFrame, checkins: pd.DataFrame, ids: list[int]) -> None:
        last = max(checkins["date"].max(), sessions["date"].max())
        self.arrays: EngineArrays = engine_arrays(
            sessions, checkins, {i: RunnerProfile() for i in ids}, last, runner_ids=ids, window=None
        )
        self.dates = self.arrays.daily.dates
        self.rows = {int(r): k for k, r in enumerate(self.arrays.daily.runner_ids.tolist())}
        self.grid = checkin_grid(
            self.arrays.checkins,
            self.arrays.daily.runner_ids,
            self.dates,
            max_cols=("illness", "pain_score", "injury", "pain_feature"),
        )

    def score(self, weights: ReadinessWeights) -> np.ndarray[Any, np.dtype[np.float64]]:
        return readiness_arrays(self.arrays.daily, self.arrays.loaded, self.grid, weights).score

    def features(self) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
        """Per signal in :data:`FITTED`, in its own unit, larger = worse (the weights multiply these)."""
        out = {k: bad - usual for k, (bad, usual) in item_deviations(self.grid).items()}
        ratio, enough = form_ratio(self.arrays.daily)
        out["form"] = np.where(enough, -np.clip(ratio, -1.0, 0.25), np.nan)
        out["sleep_short"] = np.clip(SLEEP_NEED_H - self.grid["sleep_h"], 0.0, 4.0)
        rhr = self.grid["rhr_bpm"]
        nb, rb, rsd = window_stats(rhr, 1, 60)
        with np.errstate(invalid="ignore"):
            out["rhr"] = np.where(nb >= 7, np.clip((rhr - rb) / np.fmax(rsd, 1.0), -1.0, 4.0), np.nan)
        return out


def _targets_on(t: pd.DataFrame, dates: pd.DatetimeIndex) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Next-day readiness and fatigue on ``dates`` and whether the day itself has a report."""
    nxt = t.reindex(dates + pd.Timedelta(days=1))
    nxt.index = dates
    return nxt["readiness"], nxt["fatigue"], pd.Series(dates.isin(t.index), index=dates)


PRIOR_ATHLETES = 4


def _fit(run: _FullRun, targets: dict[int, pd.DataFrame], train: list[int]) -> tuple[ReadinessWeights, dict[str, Any]]:
    """Median over training athletes of per-athlete least-squares slopes, clipped at 0, in points.

    Per athlete: days with a report and both next-day targets; y = (z(next readiness) - z(next
    fatigue)) / 2 within the athlete; X = the :meth:`_FullRun.features` (a missing value -> the
    athlete's mean), both demeaned within the athlete (only within-athlete variation is fitted,
    which is what the evaluation measures). The median of the athletes' slopes is robust to the
    few athletes whose answers behave differently. Slopes are in target-SD per step; they are
    scaled so that the four questionnaire weights sum to the literature defaults' sum, then shrunk
    toward the literature defaults with weight n / (n + PRIOR_ATHLETES).
    """
    feats = run.features()
    slopes = []
    for rid in train:
        row = run.rows[rid]
        nr, nf, has = _targets_on(targets[rid], run.dates)
        ok = (has & nr.notna() & nf.notna()).to_numpy()
        if ok.sum() < _MIN_FIT_DAYS or nr[ok].std() == 0 or nf[ok].std() == 0:
            continue
        y = ((nr[ok] - nr[ok].mean()) / nr[ok].std() - (nf[ok] - nf[ok].mean()) / nf[ok].std()).to_numpy() / 2.0
        X = pd.DataFrame({k: feats[k][row][ok] for k in FITTED})
        X = X.fillna(X.mean()).fillna(0.0)
        X = X - X.mean()
        coef = np.linalg.lstsq(X.to_numpy(), -(y - y.mean()), rcond=None)[0]
        slopes.append(coef)
    if not slopes:
        return ReadinessWeights(), {"n_athletes": 0}
    med = np.clip(np.median(np.array(slopes), axis=0), 0.0, None)
    coef = dict(zip(FITTED, med.tolist(), strict=True))
    denom = sum(coef[k] for k in WELLNESS_ITEMS)
    scale = _POINTS_SUM / denom if denom > 0 else 0.0
    prior = ReadinessWeights()
    n = len(slopes)
    # Partial pooling toward the literature weights, the prior worth PRIOR_ATHLETES athletes: 16
    # athletes' self-reports are too few to switch off a signal the literature supports (sleep, stress).
    raw = {k: round((n * v * scale + PRIOR_ATHLETES * getattr(prior, k)) / (n + PRIOR_ATHLETES), 2)
           for k, v in coef.items()}
    info = {
        "prior_athletes": PRIOR_ATHLETES,
        "n_athletes": len(slopes),
        "median_slope_target_sd_per_step": {k: round(v, 4) for k, v in coef.items()},
        "slope_iqr": {
            k: [round(float(np.percentile(np.array(slopes)[:, j], q)), 4) for q in (25, 75)]
            for j, k in enumerate(FITTED)
        },
        "points_per_target_sd": round(scale, 3),
    }
    if scale == 0.0:
        return ReadinessWeights(), info
    return ReadinessWeights.from_mapping(raw, source="fitted on PMData"), info


def fit_weights(path: Path, out: Path | None = WEIGHTS_PATH) -> dict[str, Any]:
    """Fit the questionnaire and form weights on all PMData athletes; write them to ``out`` (the recipe).

    ``python -m coaching.evaluation.pmdata --fit ../shared/data/wellness-pmdata`` rebuilds
    ``coaching/data/readiness_weights.json``. Held-out figures: :func:`evaluate` (leave one athlete out).
    """
    folders, sessions, checkins, targets, _ = _load_all(path)
    ids = list(range(1, len(folders) + 1))
    run = _FullRun(sessions, checkins, ids)
    w, info = _fit(run, targets, ids)
    doc = {
        "source": "fitted on PMData (Thambawita et al. 2020), 16 athletes",
        "recipe": "python -m coaching.evaluation.pmdata --fit ../shared/data/wellness-pmdata",
        "method": (
            "per athlete: least squares of (z next-day readiness - z next-day fatigue)/2 on how much worse "
            "than usual each item is today (within-athlete demeaned); population weight = median over "
            "athletes, clipped at 0; scaled so fatigue+soreness+stress+mood points sum to the defaults' sum; "
            "shrunk toward the literature defaults with weight n/(n+4). Signals PMData lacks "
            "(hrv, rpe gap; illness, pain rules) keep the literature defaults."
        ),
        "weights": {k: getattr(w, k) for k in FITTED},
        "fit": info,
    }
    if out is not None:
        out.write_text(json.dumps(doc, indent=2) + "\n")
    return doc


def _held_out(
    run: _FullRun, targets: dict[int, pd.DataFrame], ids: list[int], fatigue_in: pd.DataFrame
) -> dict[str, Any]:
    """Leave one athlete out: weights fitted on the other athletes, scored on the held-out one."""
    res: dict[str, dict[str, list[float]]] = {
        k: {"r": [], "f": []} for k in ("fitted_loao", "literature_defaults", "raw_fatigue_item")
    }
    weights_seen = []
    default_score = run.score(ReadinessWeights())
    for rid in ids:
        w, _ = _fit(run, targets, [i for i in ids if i != rid])
        weights_seen.append([getattr(w, k) for k in FITTED])
        row = run.rows[rid]
        nr, nf, has = _targets_on(targets[rid], run.dates)
        fat = fatigue_in.loc[fatigue_in["runner_id"] == rid].groupby("date")["fatigue"].mean()
        scores = {
            "fitted_loao": pd.Series(run.score(w)[row], index=run.dates),
            "literature_defaults": pd.Series(default_score[row], index=run.dates),
            "raw_fatigue_item": -fat.reindex(run.dates),
        }
        for k, sc in scores.items():
            sc = sc.where(has)
            res[k]["r"].append(_spearman(sc, nr))
            res[k]["f"].append(_spearman(sc, nf))
    wa = np.array(weights_seen)
    out: dict[str, Any] = {
        k: {"next_day_readiness": _summary(v["r"]), "next_day_fatigue": _summary(v["f"])} for k, v in res.items()
    }
    out["fold_weights_range"] = {
        k: [round(float(wa[:, j].min()), 2), round(float(wa[:, j].max()), 2)] for j, k in enumerate(FITTED)
    }
    return out


def _components(run: _FullRun, targets: dict[int, pd.DataFrame], ids: list[int]) -> dict[str, Any]:
    """Median per-athlete Spearman of each signal's contribution (shipped weights) with the targets."""
    parts = readiness_arrays(run.arrays.daily, run.arrays.loaded, run.grid).parts
    out: dict[str, Any] = {}
    for key, p in parts.items():
        rr, ff = [], []
        for rid in ids:
            row = run.rows[rid]
            nr, nf, has = _targets_on(targets[rid], run.dates)
            c = pd.Series(np.where(p["present"][row] > 0.5, p["contribution"][row], np.nan), index=run.dates)
            c = c.where(has)
            rr.append(_spearman(c, nr))
            ff.append(_spearman(c, nf))
        out[key] = {
            "readiness": _summary(rr).get("median"),
            "fatigue": _summary(ff).get("median"),
            "n_athletes": _summary(rr).get("n_athletes"),
        }
    return out


def evaluate(path: Path) -> dict[str, Any]:
    """Run the protocol in the module docstring over every ``p*`` folder under ``path``."""
    folders, sessions, checkins, targets, onsets = _load_all(path)
    first = min(checkins["date"].min(), sessions["date"].min())
    last = max(checkins["date"].max(), sessions["date"].max())
    ids = list(range(1, len(folders) + 1))
    profiles = {i: RunnerProfile() for i in ids}
    model = InjuryRiskModel()
    rows = []
    s_dates = sessions["date"]
    c_dates = checkins["date"]
    for day in pd.date_range(first, last, freq="D"):
        arrays = engine_arrays(
            sessions.loc[s_dates <= day],
            checkins.loc[c_dates <= day],
            profiles,
            day,
            model,
            runner_ids=ids,
            window=READINESS_LOOKBACK_D,
        )
        p = arrays.probability[:, -1]
        for row, rid in enumerate(arrays.daily.runner_ids.tolist()):
            rows.append(
                {
                    "runner_id": int(rid),
                    "date": day,
                    "score": float(arrays.readiness.score[row, -1]),
                    "confidence": float(arrays.readiness.confidence[row, -1]),
                    "p": float(p[row]),
                    "band": risk_band(float(p[row])),
                }
            )
    pred = pd.DataFrame(rows)

    rho_r, rho_f, rho_persist, n_days = [], [], [], []
    per_athlete: dict[str, dict[str, float]] = {}
    for rid in ids:
        t = targets[rid]
        pr = pred.loc[pred["runner_id"] == rid].set_index("date")
        nxt = t.reindex(pr.index + pd.Timedelta(days=1))
        nxt.index = pr.index
        today_ready = t["readiness"].reindex(pr.index)
        has_checkin = t.index.intersection(pr.index)
        sc = pr["score"].where(pr.index.isin(has_checkin))  # days with a same-day report
        r1 = _spearman(sc, nxt["readiness"])
        r2 = _spearman(sc, nxt["fatigue"])
        r3 = _spearman(today_ready, nxt["readiness"])
        n = int((sc.notna() & nxt["readiness"].notna()).sum())
        rho_r.append(r1)
        rho_f.append(r2)
        rho_persist.append(r3)
        n_days.append(n)
        per_athlete[folders[rid - 1].name] = {
            "rho_next_readiness": round(r1, 3),
            "rho_next_fatigue": round(r2, 3),
            "rho_persistence": round(r3, 3),
            "n_days": n,
        }

    # One full run (same values as the day-by-day runs above: checked), held-out fits, components.
    run = _FullRun(sessions, checkins, ids)
    full = run.score(DEFAULT_WEIGHTS)
    diff = 0.0
    for rid in ids:
        day_by_day = pred.loc[pred["runner_id"] == rid, ["date", "score"]].set_index("date")["score"]
        fs = pd.Series(full[run.rows[rid]], index=run.dates).reindex(day_by_day.index)
        diff = max(diff, float(np.nanmax(np.abs(fs.to_numpy() - day_by_day.to_numpy()))))
    held_out = _held_out(run, targets, ids, checkins)
    components = _components(run, targets, ids)

    # Injury onsets vs high-risk weeks.
    pred = pred.sort_values(["runner_id", "date"])
    high = (pred["band"] == "high").astype(float)
    modhigh = pred["band"].isin(["moderate", "high"]).astype(float)
    pred["high_prev7"] = high.groupby(pred["runner_id"]).transform(
        lambda x: x.shift(1).rolling(7, min_periods=1).max()
    )
    pred["mh_prev7"] = modhigh.groupby(pred["runner_id"]).transform(
        lambda x: x.shift(1).rolling(7, min_periods=1).max()
    )
    idx = pred.set_index(["runner_id", "date"])
    hits = hits_mh = n_on = 0
    for rid in ids:
        for d in onsets[rid]:
            if (rid, d) in idx.index and d - first >= pd.Timedelta(days=7):
                n_on += 1
                hits += int(float(idx.at[(rid, d), "high_prev7"]) > 0)  # type: ignore[arg-type]
                hits_mh += int(float(idx.at[(rid, d), "mh_prev7"]) > 0)  # type: ignore[arg-type]
    valid = pred["date"] - first >= pd.Timedelta(days=7)
    return {
        "data": str(path),
        "athletes": len(folders),
        "period": [str(first.date()), str(last.date())],
        "readiness_vs_next_day_readiness_spearman": _summary(rho_r),
        "readiness_vs_next_day_fatigue_spearman": {
            **_summary(rho_f),
            "note": "fatigue in the engine's convention (5 = most tired): negative is good",
        },
        "persistence_baseline_spearman": {
            **_summary(rho_persist),
            "note": "today's own readiness rating vs tomorrow's (not an engine input)",
        },
        "weights": {"source": DEFAULT_WEIGHTS.source, **{k: getattr(DEFAULT_WEIGHTS, k) for k in FITTED}},
        "held_out_leave_one_athlete_out": {
            **held_out,
            "note": (
                "the figures above use the shipped weights, fitted on all 16 athletes (in-sample); here each "
                "athlete is scored with weights fitted on the other 15. raw_fatigue_item = today's fatigue alone."
            ),
        },
        "components_median_spearman_vs_next_day": components,
        "max_abs_diff_full_run_vs_day_by_day": round(diff, 6),
        "n_days_total": int(sum(n_days)),
        "n_days_per_athlete_median": float(np.median(n_days)),
        "mean_confidence": round(float(pred["confidence"].mean()), 3),
        "injury": {
            "onsets": n_on,
            "onsets_preceded_by_high_risk_week": hits,
            "share_preceded_high": round(hits / n_on, 3) if n_on else None,
            "base_rate_days_after_high_risk_week": round(float(pred.loc[valid, "high_prev7"].mean()), 3),
            "onsets_preceded_by_moderate_or_high": hits_mh,
            "share_preceded_moderate_or_high": round(hits_mh / n_on, 3) if n_on else None,
            "base_rate_days_after_moderate_or_high_week": round(float(pred.loc[valid, "mh_prev7"].mean()), 3),
            "share_days_high": round(float(high[valid.to_numpy()].mean()), 3),
        },
        "per_athlete": per_athlete,
        "limits": (
            "16 recreational athletes over ~5 months; all targets are self-reports; no HRV; "
            "sessions have RPE but no HR or pace; injury reports are body parts with minor/major "
            "and also feed the risk model as pain, so 'preceded by high risk' is partly pain "
            "persisting; correlations are within-athlete and small-sample."
        ),
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m coaching.evaluation.pmdata [--fit] PATH``: print the evaluation (or refit the weights)."""
    args = sys.argv[1:] if argv is None else argv
    fit = "--fit" in args
    args = [a for a in args if a != "--fit"]
    path = Path(args[0]) if args else Path("../shared/data/wellness-pmdata")
    print(json.dumps(fit_weights(path) if fit else evaluate(path), indent=2))


if __name__ == "__main__":
    main()
