"""Marathon prediction on runners never used for fitting: RunCoach's model against Riegel.

Protocol (``evaluate(train, test)``): fit :func:`coaching.prediction.population.fit_population_model` on TRAIN
only (files in the schema of the Vickers & Vertosick 2016 survey, ``vickers_runners_train.csv``).
For every TEST
runner with a course-adjusted marathon (``mf_ti_adj``) and at least one other course-adjusted race,
predict the
marathon from the other races and the runner's traits (age, sex, BMI, typical weekly mileage, tempo and
interval habits), and compare with Riegel 1.06 from the runner's longest other race on the same runners.
Reported for all those runners and for those with two or more other races: n, MAE and RMSE (minutes), MSE
(min^2), MAPE (%), bias (minutes, predicted - observed) and the coverage of the 80% interval.

``cross_validate(data)`` runs the same protocol over runner-grouped K folds of one file (each fold
is TEST once,
the rest TRAIN) and pools the out-of-fold predictions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching.prediction.individual import predict_log_time, vickers_efforts
from coaching.prediction.intervals import coverage, interval_s
from coaching.prediction.population import (
    RACES,
    PopulationModel,
    fit_population_model,
    vickers_races,
    vickers_records,
    vickers_traits,
)
from coaching.prediction.riegel import riegel_time


def predict_marathons(model: PopulationModel, test: pd.DataFrame) -> pd.DataFrame:
    """One row per TEST runner with a marathon and another race: observed, model, interval and Riegel (s)."""
    out = []
    for row in vickers_records(test):
        obs = row.get("mf_ti_adj")
        if obs is None or pd.isna(obs):
            continue
        races = vickers_races(row, exclude="mf")
        if not races:
            continue
        efforts = vickers_efforts(row, exclude="mf")
        res = predict_log_time(model, RACES["mf"], efforts, vickers_traits(row))
        low, high = interval_s(res.mu, res.sd, res.group, model.z_quantiles)
        d_long, t_long = max(races)
        out.append(
            {
                "id": row["id"],
                "n_other": len(races),
                "observed_s": float(obs),
                "model_s": math.exp(res.mu),
                "low_s": low,
                "high_s": high,
                "riegel_s": riegel_time(t_long, d_long, RACES["mf"]),
            }
        )
    return pd.DataFrame(out)


def _metrics(obs: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    err_min = (pred - obs) / 60.0
    return {
        "mae_min": float(np.mean(np.abs(err_min))),
        "rmse_min": float(np.sqrt(np.mean(err_min**2))),
        "mse_min2": float(np.mean(err_min**2)),
        "mape_pct": float(100.0 * np.mean(np.abs(pred - obs) / obs)),
        "bias_min": float(np.mean(err_min)),
    }


def summarise(pred: pd.DataFrame) -> dict[str, Any]:
    """Metrics of :func:`predict_marathons` rows for all runners and for those with two or more
    other races."""
    result: dict[str, Any] = {}
    for name, sub in (("all", pred), ("two_plus", pred[pred["n_other"] >= 2])):
        obs = sub["observed_s"].to_numpy(dtype=float)
        model = _metrics(obs, sub["model_s"].to_numpy(dtype=float))
        model["coverage_80"] = coverage(obs, sub["low_s"].to_numpy(), sub["high_s"].to_numpy())
        result[name] = {
            "n": len(sub),
            "model": model,
            "riegel_1.06_longest": _metrics(obs, sub["riegel_s"].to_numpy(dtype=float)),
        }
    return result


def evaluate_frames(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    """Fit on ``train``, evaluate on ``test`` (DataFrames in the Vickers schema)."""
    model = fit_population_model(train)
    result = summarise(predict_marathons(model, test))
    result["protocol"] = "fit on TRAIN, marathon of each TEST runner from their other races + traits"
    result["n_train_runners"] = len(train)
    return result


def evaluate(train: Path, test: Path) -> dict[str, Any]:
    """``runcoach eval races --train TRAIN.csv --test TEST.csv``: see the module docstring."""
    return evaluate_frames(pd.read_csv(train), pd.read_csv(test))


def cross_validate(data: pd.DataFrame, n_splits: int = 5, random_state: int = 0) -> dict[str, Any]:
    """Runner-grouped K-fold version of :func:`evaluate_frames` on one file; pooled out-of-fold metrics."""
    from sklearn.model_selection import GroupKFold

    parts = []
    gkf = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for tr, te in gkf.split(data, groups=data["id"]):
        model = fit_population_model(data.iloc[tr], random_state=random_state)
        parts.append(predict_marathons(model, data.iloc[te]))
    result = summarise(pd.concat(parts, ignore_index=True))
    result["protocol"] = f"{n_splits}-fold cross-validation grouped by runner id"
    return result


def format_text(result: dict[str, Any]) -> str:
    """Plain-text table of an :func:`evaluate` / :func:`cross_validate` result."""
    lines = [str(result.get("protocol", ""))]
    head = (
        f"{'runners':<10}{'method':<22}{'n':>5}{'MAE':>8}{'RMSE':>8}"
        f"{'MSE':>9}{'MAPE%':>8}{'bias':>8}{'cov80':>7}"
    )
    lines.append(head)
    for group in ("all", "two_plus"):
        g = result[group]
        for method in ("model", "riegel_1.06_longest"):
            m = g[method]
            cov = f"{m['coverage_80']:.2f}" if "coverage_80" in m else "-"
            lines.append(
                f"{group:<10}{method:<22}{g['n']:>5}{m['mae_min']:>8.1f}{m['rmse_min']:>8.1f}"
                f"{m['mse_min2']:>9.0f}{m['mape_pct']:>8.2f}{m['bias_min']:>8.1f}{cov:>7}"
            )
    return "\n".join(lines)
