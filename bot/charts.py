"""Charts as PNG photos, readable on a phone: fitness/fatigue/form, weekly volume, readiness, predictions.

Each function takes plain series and returns PNG bytes; titles and labels come from templates.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from prompts import render

WIDTH_IN, HEIGHT_IN, DPI = 6.0, 4.5, 180  # 1080 x 810 px: sharp on a phone, small to send
BAND_COLOURS = {"ready": "#2e7d32", "normal": "#9e9d24", "caution": "#ef6c00", "rest": "#c62828"}
BAND_EDGES = (("rest", 0, 40), ("caution", 40, 60), ("normal", 60, 80), ("ready", 80, 100))


def _dates(days: Sequence[date]) -> npt.NDArray[np.datetime64]:
    """Days as numpy dates: matplotlib plots them on its date axis like dates, and they type-check."""
    return np.asarray(days, dtype="datetime64[D]")


def _figure() -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _png(fig: Figure, ax: Axes, chart: str) -> bytes:
    ax.set_title(render("charts/title", chart=chart), fontsize=13, loc="left")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def fitness_chart(days: Sequence[date], fitness: Sequence[float], fatigue: Sequence[float],
                  form: Sequence[float]) -> bytes:
    """Fitness (42-day) and fatigue (7-day) lines, form as bars."""
    fig, ax = _figure()
    x = _dates(days)
    ax.bar(x, form, color=["#43a047" if f >= 0 else "#e53935" for f in form], alpha=0.35,
           label=render("charts/label", key="form"))
    ax.plot(x, fitness, color="#1565c0", linewidth=2.2, label=render("charts/label", key="fitness"))
    ax.plot(x, fatigue, color="#ef6c00", linewidth=1.6, label=render("charts/label", key="fatigue"))
    ax.axhline(0, color="#555", linewidth=0.8)
    ax.set_ylabel(render("charts/label", key="load_units"))
    ax.legend(loc="upper left", frameon=False)
    return _png(fig, ax, "fitness")


def volume_chart(week_starts: Sequence[date], km: Sequence[float]) -> bytes:
    """Weekly running kilometres."""
    fig, ax = _figure()
    ax.bar(_dates(week_starts), km, width=5, color="#1565c0", alpha=0.8)
    for x, y in zip(week_starts, km, strict=True):
        if y > 0:
            ax.annotate(f"{y:.0f}", (x, y), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(render("charts/label", key="km_per_week"))
    return _png(fig, ax, "volume")


def readiness_chart(days: Sequence[date], score: Sequence[float]) -> bytes:
    """Daily readiness with its bands shaded."""
    fig, ax = _figure()
    for band, lo, hi in BAND_EDGES:
        ax.axhspan(lo, hi, color=BAND_COLOURS[band], alpha=0.08)
    ax.plot(_dates(days), score, color="#333", linewidth=1.8, marker="o", markersize=2.5)
    ax.set_ylim(0, 100)
    ax.set_ylabel(render("charts/label", key="readiness"))
    return _png(fig, ax, "readiness")


def prediction_chart(days: Sequence[date], time_s: Sequence[float], low_s: Sequence[float],
                     high_s: Sequence[float], target_s: float | None = None) -> bytes:
    """Predicted race time over time with its 80 % range (minutes on the axis)."""
    fig, ax = _figure()
    to_min = [t / 60 for t in time_s]
    x = _dates(days)
    ax.fill_between(x, [t / 60 for t in low_s], [t / 60 for t in high_s], color="#1565c0", alpha=0.15,
                    label=render("charts/label", key="range80"))
    ax.plot(x, to_min, color="#1565c0", linewidth=2, marker="o", markersize=3,
            label=render("charts/label", key="prediction"))
    if target_s is not None:
        ax.axhline(target_s / 60, color="#c62828", linestyle="--", label=render("charts/label", key="target"))
    ax.invert_yaxis()  # faster is up
    ax.set_ylabel(render("charts/label", key="minutes"))
    ax.legend(loc="lower left", frameon=False)
    return _png(fig, ax, "prediction")
