"""Progress over the last 12 weeks: the series behind the charts and their one-line summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlmodel import Session

from bot.services.coach import load_batch
from coaching.readiness import readiness_at
from coaching.risk import engine_arrays
from models.tables import Runner

WEEKS = 12


@dataclass(frozen=True, slots=True)
class Progress:
    """Daily fitness/fatigue/form and readiness, weekly running km, over the last 12 weeks."""

    days: list[date]
    fitness: list[float]
    fatigue: list[float]
    form: list[float]
    readiness: list[float]
    week_starts: list[date]
    week_km: list[float]

    @property
    def has_data(self) -> bool:
        """Anything to draw at all."""
        return any(v > 0 for v in self.fitness) or any(v > 0 for v in self.week_km)

    def change(self, series: str, days: int = 28) -> float:
        """Change of a daily series over the last ``days`` days."""
        values: list[float] = getattr(self, series)
        return values[-1] - values[-min(days, len(values))] if values else 0.0


def progress_for(session: Session, runner: Runner, today: date) -> Progress:
    """Compute the 12-week series from stored history."""
    batch = load_batch(session, [runner], today)
    start = today - timedelta(days=WEEKS * 7 - 1)
    arrays = engine_arrays(batch.sessions, batch.checkins, batch.histories[0].profile, pd.Timestamp(today),
                           start=pd.Timestamp(start), runner_ids=[runner.id or 0])
    daily = arrays.daily
    j0 = int(daily.dates.searchsorted(pd.Timestamp(start)))
    days = [d.date() for d in daily.dates[j0:]]
    row = 0

    def series(name: str) -> list[float]:
        return [float(v) for v in np.nan_to_num(daily.values[name][row, j0:])]

    ready = [readiness_at(arrays.readiness, row, j).score for j in range(j0, len(daily.dates))]
    run_m = series("run_distance_m")
    monday = start - timedelta(days=start.weekday())
    week_starts = [monday + timedelta(weeks=i) for i in range(WEEKS + 1) if monday + timedelta(weeks=i) <= today]
    week_km = [sum(m for d, m in zip(days, run_m, strict=True) if ws <= d < ws + timedelta(days=7)) / 1000
               for ws in week_starts]
    return Progress(days, series("fitness"), series("fatigue"), series("form"), ready, week_starts, week_km)
