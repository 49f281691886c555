"""Population race-time model fitted on the Vickers & Vertosick 2016 survey of recreational runners.

Data: Vickers AJ, Vertosick EA (2016), "An empirical study of race times in recreational endurance runners",
BMC Sports Science, Medicine and Rehabilitation 8:26 (shipped as ``coaching/data/vickers_runners_train.csv``,
attribution in ``coaching/data/SOURCES.md``). Times are the course-adjusted ``*_ti_adj`` (seconds).

Model (one linear model per target distance, fitted by ordinary least squares on log times). For a runner with
a prior race over D_p metres in T_p seconds and a target distance D_t, with r = log(D_t / D_p):

    log(T_t / T_p) = b0 + b_r r + b_x x_p + b_xx x_p^2
                     + b_m m + b_rm r m + b_l l + b_rl r l
                     + b_age a + b_f female + b_bmi bmi + b_tempo tempo + b_int intervals
                     + b_fb [fit=1] + b_fs [fit=3] + b_fu [fit=4]                                  (1)

where x_p = log(D_p / 10 km) (the prior's distance), m = log(weekly km / 50) (``typical`` weekly miles
converted), l = log of the prior's Riegel-1.06 10 km-equivalent pace over 330 s/km (how fast the runner is),
a = (age - 36) / 10, bmi = (BMI - 23.5) / 3. Every (runner, prior race) pair with the target race forms one
training row, so a runner with two prior races contributes two rows. ``r m`` lets the Riegel exponent
depend on mileage (the paper's main finding: low-mileage runners slow down more in the marathon) and ``r l``
lets it depend on speed. ``fit`` is the runner's own rating of their fitness at the PRIOR race (Vickers
``*_tr``: 1 as fit as ever, 2 good shape (= unknown), 3 trained some, 4 not well prepared): a prior run
unprepared understates the runner. (The target race's own rating is never used.) On the runner-grouped
5-fold CV it lowered the marathon MSE from 317 to 309 min^2 (all) and 261 to 226 (two or more races).

The residual standard deviation of (1) grows with the distance gap: sd(r) = s0 + s1 |r|, fitted to the
absolute training residuals (E|e| = sd sqrt(2/pi) for normal errors). Predictions from several priors are
combined by inverse variance in :mod:`coaching.prediction.individual`.

A traits-only model per target (no race at all) is fitted too:

    log T_t = c0 + c_m m + c_mm m^2 + c_age a + c_aa a^2 + c_f female + c_bmi bmi + c_tempo tempo +
    c_int intervals

so that a runner without any effort gets the population answer, with its (much wider) residual sd.

Distances between two fitted targets are interpolated linearly in log distance; beyond the shortest (5 km) or
longest (marathon) target the nearest target's prediction is extended with Riegel's exponent 1.06
(Riegel 1981).

Also estimated here, from the same data, is the shrinkage constant ``slope_k`` of the individual layer (see
:mod:`coaching.prediction.individual`) and the residual quantiles of the 80% prediction interval
(:mod:`coaching.prediction.intervals`), both from out-of-fold predictions of a runner-grouped 5-fold
cross-validation inside the training data.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching.prediction.riegel import RIEGEL_EXPONENT

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
VICKERS_CSV = DATA_DIR / "vickers_runners_train.csv"
DEFAULT_MODEL_JSON = Path(__file__).resolve().parent / "population_model.json"

MILES_TO_KM = 1.609344
#: race columns of the Vickers file and their distances in metres
RACES: dict[str, float] = {
    "k5": 5000.0,
    "m5": 8045.0,
    "k10": 10000.0,
    "m10": 16090.0,
    "mh": 21097.5,
    "mf": 42195.0,
}
PRIOR_FEATURES: tuple[str, ...] = (
    "r",
    "xp",
    "xp2",
    "m",
    "r_m",
    "l",
    "r_l",
    "age",
    "female",
    "bmi",
    "tempo",
    "intervals",
    "fit_best",
    "fit_some",
    "fit_unprepared",
)
TRAIT_FEATURES: tuple[str, ...] = ("m", "m2", "age", "age2", "female", "bmi", "tempo", "intervals")

# centring constants of the covariates (round numbers near the Vickers sample means)
REF_WEEKLY_KM = 50.0
REF_AGE = 36.0
REF_BMI = 23.5
REF_PACE_S_PER_KM = 330.0
MIN_WEEKLY_KM = 8.0
#: population means used when a trait is unknown (Vickers sample)
DEFAULT_AGE = 36.5
DEFAULT_BMI = 23.7
DEFAULT_FEMALE = 0.38
DEFAULT_WEEKLY_KM = 50.0


@dataclass(frozen=True, slots=True)
class RunnerTraits:
    """What a runner tells us about themselves; None means unknown (the population mean is used).

    ``sex`` is "female" or "male"; ``weekly_km`` is typical weekly running volume in km; ``does_tempo`` and
    ``does_intervals`` are whether the runner does tempo runs / intervals, sprints or hill repeats most weeks.
    """

    age: float | None = None
    sex: str | None = None
    bmi: float | None = None
    weekly_km: float | None = None
    does_tempo: bool | None = None
    does_intervals: bool | None = None

    def covariates(self) -> dict[str, float]:
        """The centred covariates of the model (see module docstring); unknowns become population means."""
        km = self.weekly_km if self.weekly_km is not None else DEFAULT_WEEKLY_KM
        m = math.log(max(km, MIN_WEEKLY_KM) / REF_WEEKLY_KM)
        age = ((self.age if self.age is not None else DEFAULT_AGE) - REF_AGE) / 10.0
        if self.sex is None:
            female = DEFAULT_FEMALE
        else:
            female = 1.0 if self.sex.lower().startswith("f") else 0.0
        bmi = ((self.bmi if self.bmi is not None else DEFAULT_BMI) - REF_BMI) / 3.0
        tempo = 0.57 if self.does_tempo is None else float(self.does_tempo)
        intervals = 0.52 if self.does_intervals is None else float(self.does_intervals)
        return {
            "m": m,
            "m2": m * m,
            "age": age,
            "age2": age * age,
            "female": female,
            "bmi": bmi,
            "tempo": tempo,
            "intervals": intervals,
        }


def prior_features(
    prior_distance_m: float,
    prior_time_s: float,
    target_distance_m: float,
    cov: dict[str, float],
    fitness: int | None = None,
) -> dict[str, float]:
    """Row of features of model (1) for one prior race; ``cov`` from :meth:`RunnerTraits.covariates`.

    ``fitness``: the runner's own rating of their fitness at that prior race (Vickers ``*_tr``: 1 = as fit as
    ever, 2 = good shape, 3 = trained some, 4 = not well prepared); None (unknown) counts as 2, the commonest.
    """
    r = math.log(target_distance_m / prior_distance_m)
    xp = math.log(prior_distance_m / 10_000.0)
    pace_10k = prior_time_s * (10_000.0 / prior_distance_m) ** RIEGEL_EXPONENT / 10.0
    lvl = math.log(pace_10k / REF_PACE_S_PER_KM)
    return {
        "r": r,
        "xp": xp,
        "xp2": xp * xp,
        "m": cov["m"],
        "r_m": r * cov["m"],
        "l": lvl,
        "r_l": r * lvl,
        "age": cov["age"],
        "female": cov["female"],
        "bmi": cov["bmi"],
        "tempo": cov["tempo"],
        "intervals": cov["intervals"],
        "fit_best": 1.0 if fitness == 1 else 0.0,
        "fit_some": 1.0 if fitness == 3 else 0.0,
        "fit_unprepared": 1.0 if fitness == 4 else 0.0,
    }


@dataclass(frozen=True, slots=True)
class TargetModel:
    """Coefficients of models (1) and (2) for one target distance (metres); first coefficient = intercept."""

    distance_m: float
    prior_coef: tuple[float, ...]
    sd0: float
    sd1: float
    trait_coef: tuple[float, ...]
    trait_sd: float
    n_rows: int
    n_runners: int

    def from_prior(
        self,
        prior_distance_m: float,
        prior_time_s: float,
        cov: dict[str, float],
        fitness: int | None = None,
    ) -> tuple[float, float]:
        """(mean, sd) of log target time in log-seconds from one prior race."""
        f = prior_features(prior_distance_m, prior_time_s, self.distance_m, cov, fitness)
        x = np.array([1.0, *(f[k] for k in PRIOR_FEATURES)])
        mu = math.log(prior_time_s) + float(x @ np.asarray(self.prior_coef))
        return mu, self.sd0 + self.sd1 * abs(f["r"])

    def from_traits(self, cov: dict[str, float]) -> tuple[float, float]:
        """(mean, sd) of log target time from traits only."""
        x = np.array([1.0, *(cov[k] for k in TRAIT_FEATURES)])
        return float(x @ np.asarray(self.trait_coef)), self.trait_sd


@dataclass(frozen=True, slots=True)
class PopulationModel:
    """Per-target models, the individual layer's shrinkage constant and the interval calibration.

    ``slope_k``: prior strength (in units of the sum of squared log-distance deviations of a runner's efforts)
    of the population exponent against a runner's own; ``curve``: population mean log-time curve
    (coefficients of x, x^2, x^3 with x = log(D / 10 km)), the reference a runner's own exponent is measured
    against; ``z_quantiles``: lower and upper quantiles of standardised out-of-fold log residuals by number of
    prior races ("0", "1", "2", "3+") for the central ``interval_level`` interval; ``trim_z``: the training
    trim the targets were fitted with (0 = none; see :func:`fit_population_model`).
    """

    targets: tuple[TargetModel, ...]
    slope_k: float
    curve: tuple[float, float, float]
    z_quantiles: dict[str, tuple[float, float]] = field(default_factory=dict)
    interval_level: float = 0.8
    trim_z: float = 0.0
    source: str = "Vickers & Vertosick 2016 (BMC Sports Sci Med Rehabil 8:26)"

    # ---- prediction -------------------------------------------------------------------------------
    def _bracket(self, distance_m: float) -> tuple[TargetModel, TargetModel, float, float]:
        """The two targets around ``distance_m``, the interpolation weight of the second, Riegel extension."""
        ts = sorted(self.targets, key=lambda t: t.distance_m)
        if distance_m <= ts[0].distance_m:
            return ts[0], ts[0], 0.0, RIEGEL_EXPONENT * math.log(distance_m / ts[0].distance_m)
        if distance_m >= ts[-1].distance_m:
            return ts[-1], ts[-1], 0.0, RIEGEL_EXPONENT * math.log(distance_m / ts[-1].distance_m)
        for a, b in itertools.pairwise(ts):
            if a.distance_m <= distance_m <= b.distance_m:
                w = math.log(distance_m / a.distance_m) / math.log(b.distance_m / a.distance_m)
                return a, b, w, 0.0
        raise AssertionError("unreachable")

    def from_prior(
        self,
        target_distance_m: float,
        prior_distance_m: float,
        prior_time_s: float,
        cov: dict[str, float],
        fitness: int | None = None,
    ) -> tuple[float, float]:
        """(mean, sd) of log time (log-seconds) over ``target_distance_m`` from one prior race.

        ``fitness``: self-rated fitness at the prior race (1-4, see :func:`prior_features`) or None."""
        a, b, w, ext = self._bracket(target_distance_m)
        mu_a, sd_a = a.from_prior(prior_distance_m, prior_time_s, cov, fitness)
        mu_b, sd_b = b.from_prior(prior_distance_m, prior_time_s, cov, fitness)
        return (1 - w) * mu_a + w * mu_b + ext, (1 - w) * sd_a + w * sd_b

    def from_traits(self, target_distance_m: float, cov: dict[str, float]) -> tuple[float, float]:
        """(mean, sd) of log time over ``target_distance_m`` from traits only (no race)."""
        a, b, w, ext = self._bracket(target_distance_m)
        mu_a, sd_a = a.from_traits(cov)
        mu_b, sd_b = b.from_traits(cov)
        return (1 - w) * mu_a + w * mu_b + ext, (1 - w) * sd_a + w * sd_b

    def curve_log_time(self, distance_m: float) -> float:
        """Population mean log-time curve at ``distance_m`` up to a runner-specific constant."""
        x = math.log(distance_m / 10_000.0)
        c1, c2, c3 = self.curve
        return c1 * x + c2 * x * x + c3 * x**3

    # ---- presentation and persistence ------------------------------------------------------------------
    def coefficient_table(self) -> pd.DataFrame:
        """Readable table: one column per target distance, rows = intercept and features of model (1)."""
        idx = ["intercept", *PRIOR_FEATURES, "sd0", "sd1", "n_rows", "n_runners"]
        cols = {}
        for t in self.targets:
            cols[f"{t.distance_m:g} m"] = [*t.prior_coef, t.sd0, t.sd1, float(t.n_rows), float(t.n_runners)]
        return pd.DataFrame(cols, index=idx)

    def trait_table(self) -> pd.DataFrame:
        """Readable table of the traits-only model (2) per target distance."""
        idx = ["intercept", *TRAIT_FEATURES, "sd"]
        return pd.DataFrame(
            {f"{t.distance_m:g} m": [*t.trait_coef, t.trait_sd] for t in self.targets}, index=idx
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (floats rounded to 6 significant digits so the file diffs cleanly)."""
        d: dict[str, Any] = _round(asdict(self))
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PopulationModel:
        """Inverse of :meth:`to_dict`."""
        targets = tuple(
            TargetModel(
                distance_m=float(t["distance_m"]),
                prior_coef=tuple(float(c) for c in t["prior_coef"]),
                sd0=float(t["sd0"]),
                sd1=float(t["sd1"]),
                trait_coef=tuple(float(c) for c in t["trait_coef"]),
                trait_sd=float(t["trait_sd"]),
                n_rows=int(t["n_rows"]),
                n_runners=int(t["n_runners"]),
            )
            for t in d["targets"]
        )
        c = d["curve"]
        return cls(
            targets=targets,
            slope_k=float(d["slope_k"]),
            curve=(float(c[0]), float(c[1]), float(c[2])),
            z_quantiles={k: (float(v[0]), float(v[1])) for k, v in d["z_quantiles"].items()},
            interval_level=float(d["interval_level"]),
            trim_z=float(d.get("trim_z", 0.0)),
            source=str(d["source"]),
        )


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return float(f"{obj:.6g}")
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


# ---- fitting ------------------------------------------------------------------------------------------
def load_vickers(path: Path | str = VICKERS_CSV) -> pd.DataFrame:
    """The Vickers survey as shipped (one row per runner)."""
    return pd.read_csv(path)


#: one Vickers runner as a plain mapping (column -> value); much faster to read than a pandas row
VickersRow = Mapping[str, Any]
#: candidate training-trim thresholds (standardised residual); 0 = no trimming. Chosen by inner CV.
TRIM_GRID: tuple[float, ...] = (0.0, 5.0, 4.0, 3.0)


def vickers_traits(row: VickersRow) -> RunnerTraits:
    """RunnerTraits of one Vickers runner (``typical`` weekly miles converted to km)."""
    return RunnerTraits(
        age=float(row["age"]),
        sex="female" if row["female"] == 1 else "male",
        bmi=float(row["bmi"]),
        weekly_km=float(row["typical"]) * MILES_TO_KM,
        does_tempo=bool(row["tempo"] == 1),
        does_intervals=bool(row["sprint"] == 1),
    )


def _fitness(value: Any) -> int | None:
    if value is None or value != value or int(value) not in (1, 2, 3, 4):  # value != value: NaN
        return None
    return int(value)


def vickers_priors(row: VickersRow, exclude: str | None = None) -> list[tuple[float, float, int | None]]:
    """(distance_m, course-adjusted time_s, self-rated fitness 1-4 or None) of a runner's races but ``exclude``."""
    out = []
    for col, dist in RACES.items():
        if col == exclude:
            continue
        t = row.get(f"{col}_ti_adj")
        if t is not None and t == t and float(t) > 0:  # t == t: not NaN
            out.append((dist, float(t), _fitness(row.get(f"{col}_tr"))))
    return out


def vickers_races(row: VickersRow, exclude: str | None = None) -> list[tuple[float, float]]:
    """(distance_m, course-adjusted time_s) of a Vickers runner's races, without ``exclude``."""
    return [(d, t) for d, t, _ in vickers_priors(row, exclude)]


def vickers_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a Vickers-schema frame as dictionaries (the fitting code iterates over these)."""
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _lstsq(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """OLS coefficients (intercept first) from the normal equations, solved by SVD with the minimum-norm
    answer when features are collinear (lstsq on the full design is ~100x slower here). A plain ``solve``
    of a singular X'X returns whatever the BLAS build makes of it (coefficients of 1e13 with numpy 2.4),
    so the trained model would depend on the machine."""
    x1 = np.column_stack([np.ones(len(x)), x])
    return np.asarray(np.linalg.lstsq(x1.T @ x1, x1.T @ y, rcond=None)[0], dtype=float)


def _sd_line(absr: np.ndarray, resid: np.ndarray) -> tuple[float, float]:
    """sd(r) = sd0 + sd1 |r| fitted to absolute residuals (E|e| = sd sqrt(2/pi) for normal errors)."""
    sd_coef = _lstsq(absr[:, None], np.abs(resid) * math.sqrt(math.pi / 2.0))
    return max(float(sd_coef[0]), 0.01), float(max(sd_coef[1], 0.0))


def _fit_target(recs: Sequence[VickersRow], col: str, trim_z: float = 0.0) -> TargetModel:
    """Models (1) and (2) for target ``col``. With ``trim_z`` > 0 the (runner, prior) rows whose residual
    of a first OLS fit exceeds ``trim_z`` sd(r) are left out of the refit (training rows only: a prior race
    that was not a real effort, or a target race walked or run injured, would otherwise bend the fit)."""
    target_d = RACES[col]
    xs: list[list[float]] = []
    ys: list[float] = []
    tx: list[list[float]] = []
    ty: list[float] = []
    n_runners = 0
    for row in recs:
        t_obs = row.get(f"{col}_ti_adj")
        if t_obs is None or pd.isna(t_obs):
            continue
        n_runners += 1
        cov = vickers_traits(row).covariates()
        t_target = float(t_obs)
        tx.append([cov[k] for k in TRAIT_FEATURES])
        ty.append(math.log(t_target))
        for dist, t, fit in vickers_priors(row, exclude=col):
            f = prior_features(dist, t, target_d, cov, fit)
            xs.append([f[k] for k in PRIOR_FEATURES])
            ys.append(math.log(t_target / t))
    x = np.array(xs)
    y = np.array(ys)
    absr = np.abs(x[:, PRIOR_FEATURES.index("r")])
    coef = _lstsq(x, y)
    resid = y - np.column_stack([np.ones(len(x)), x]) @ coef
    sd0, sd1 = _sd_line(absr, resid)
    if trim_z > 0:
        keep = np.abs(resid) <= trim_z * (sd0 + sd1 * absr)
        x, y, absr = x[keep], y[keep], absr[keep]
        coef = _lstsq(x, y)
        resid = y - np.column_stack([np.ones(len(x)), x]) @ coef
        sd0, sd1 = _sd_line(absr, resid)
    tcoef = _lstsq(np.array(tx), np.array(ty))
    tres = np.array(ty) - np.column_stack([np.ones(len(tx)), np.array(tx)]) @ tcoef
    return TargetModel(
        distance_m=target_d,
        prior_coef=tuple(float(c) for c in coef),
        sd0=sd0,
        sd1=sd1,
        trait_coef=tuple(float(c) for c in tcoef),
        trait_sd=float(np.std(tres, ddof=len(tcoef))),
        n_rows=len(y),
        n_runners=n_runners,
    )


def _fit_curve(recs: Sequence[VickersRow]) -> tuple[float, float, float]:
    """Within-runner (fixed-effects) fit of log T on x, x^2, x^3, x = log(D / 10 km)."""
    xs: list[list[float]] = []
    ys: list[float] = []
    for row in recs:
        races = vickers_races(row)
        if len(races) < 2:
            continue
        x = np.array([math.log(d / 10_000.0) for d, _ in races])
        y = np.array([math.log(t) for _, t in races])
        feats = np.column_stack([x, x**2, x**3])
        feats = feats - feats.mean(axis=0)
        xs.extend(feats.tolist())
        ys.extend((y - y.mean()).tolist())
    xa, ya = np.array(xs), np.array(ys)
    c = np.linalg.solve(xa.T @ xa, xa.T @ ya)
    return float(c[0]), float(c[1]), float(c[2])


def _fit_point_model(recs: Sequence[VickersRow], trim_z: float = 0.0) -> PopulationModel:
    targets = tuple(_fit_target(recs, col, trim_z) for col in RACES)
    return PopulationModel(targets=targets, slope_k=0.0, curve=_fit_curve(recs), trim_z=trim_z)


def _oof_marathon_sse(rows: Sequence[tuple[PopulationModel, VickersRow]], k: float) -> float:
    """Sum of squared marathon errors (minutes^2) of out-of-fold predictions with slope constant ``k``."""
    from coaching.prediction.individual import predict_log_time, vickers_efforts

    sse = 0.0
    for fold_model, row in rows:
        efforts = vickers_efforts(row, exclude="mf")
        if not efforts:
            continue
        fm = replace(fold_model, slope_k=k)
        res = predict_log_time(fm, RACES["mf"], efforts, vickers_traits(row))
        sse += ((math.exp(res.mu) - float(row["mf_ti_adj"])) / 60.0) ** 2
    return sse


def fit_population_model(
    vickers_df: pd.DataFrame,
    n_splits: int = 5,
    random_state: int = 0,
    interval_level: float = 0.8,
    trim_grid: Sequence[float] = TRIM_GRID,
) -> PopulationModel:
    """Fit model (1)-(2) per target; choose the training trim, ``slope_k`` and the interval quantiles by
    grouped cross-validation INSIDE ``vickers_df``.

    ``vickers_df`` has the columns of ``vickers_runners_train.csv``; only course-adjusted times are used.
    Runners are grouped by ``id`` into ``n_splits`` folds; for every candidate ``trim_z`` of ``trim_grid``
    the fold models give out-of-fold marathon predictions, ``slope_k`` is fitted to them
    (:func:`coaching.prediction.individual.choose_slope_k`) and the trim with the lowest out-of-fold marathon
    MSE (minutes^2) wins (ties: the first, i.e. the least trimming). The quantiles of the interval come from
    the winner's out-of-fold residuals, so they describe how the model does on runners it has not seen.
    """
    from sklearn.model_selection import GroupKFold

    from coaching.prediction.individual import choose_slope_k, predict_log_time, vickers_efforts
    from coaching.prediction.intervals import fit_z_quantiles

    df = vickers_df[vickers_df["adjusted"].fillna(0) == 1] if "adjusted" in vickers_df else vickers_df
    df = df.reset_index(drop=True)
    recs = vickers_records(df)
    has_m = df["mf_ti_adj"].notna().to_numpy()
    gkf = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    splits = list(gkf.split(df, groups=df["id"]))
    best: tuple[float, float, float, list[tuple[PopulationModel, VickersRow]]] | None = None
    for trim_z in trim_grid:
        rows: list[tuple[PopulationModel, VickersRow]] = []
        for tr, te in splits:
            fold_model = _fit_point_model([recs[i] for i in tr], trim_z)
            rows.extend((fold_model, recs[i]) for i in te if has_m[i])
        k = choose_slope_k(rows)
        sse = _oof_marathon_sse(rows, k)
        if best is None or sse < best[0] - 1e-9:
            best = (sse, trim_z, k, rows)
    assert best is not None
    _, trim_z, k, rows = best
    point = _fit_point_model(recs, trim_z)
    z: list[float] = []
    groups: list[str] = []
    for fold_model, row in rows:
        traits = vickers_traits(row)
        fm = replace(fold_model, slope_k=k)
        efforts = vickers_efforts(row, exclude="mf")
        obs = math.log(float(row["mf_ti_adj"]))
        for n_use in sorted({0, len(efforts)}):
            res = predict_log_time(fm, RACES["mf"], efforts[:n_use] if n_use else [], traits)
            z.append((obs - res.mu) / res.sd)
            groups.append(interval_group(n_use))
    quant = fit_z_quantiles(np.array(z), groups, level=interval_level)
    return replace(point, slope_k=k, z_quantiles=quant, interval_level=interval_level)


def interval_group(n_efforts: int) -> str:
    """Calibration group of a prediction by its number of efforts: "0", "1", "2" or "3+"."""
    return str(n_efforts) if n_efforts < 3 else "3+"


def train(out_path: Path | str = DEFAULT_MODEL_JSON, data_path: Path | str = VICKERS_CSV) -> Path:
    """Fit the population model on the shipped Vickers data and write its JSON to ``out_path``."""
    model = fit_population_model(load_vickers(data_path))
    out = Path(out_path)
    out.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


def load_population_model(path: Path | str = DEFAULT_MODEL_JSON) -> PopulationModel:
    """Read a model written by :func:`train` (by default the one shipped with the package)."""
    return PopulationModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@cache
def shipped_population_model() -> PopulationModel:
    """The model shipped with the package, read once per process (it is immutable; reading and parsing the
    JSON cost more than a prediction)."""
    return load_population_model()
