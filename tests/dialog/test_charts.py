"""Every chart type renders a PNG readable on a phone: 1080 x 810 pixels."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from bot import charts

DAYS = [date(2026, 1, 1) + timedelta(days=i) for i in range(84)]


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_fitness_fatigue_form_chart() -> None:
    fitness = [20 + i * 0.3 for i in range(84)]
    fatigue = [25 + (i % 7) * 2 for i in range(84)]
    png = charts.fitness_chart(DAYS, fitness, fatigue, [f - g for f, g in zip(fitness, fatigue, strict=True)])
    assert _size(png) == (1080, 810) and len(png) > 20_000


def test_weekly_volume_chart() -> None:
    weeks = DAYS[::7]
    assert _size(charts.volume_chart(weeks, [20 + i for i in range(len(weeks))])) == (1080, 810)


def test_readiness_chart() -> None:
    assert _size(charts.readiness_chart(DAYS, [55 + (i * 7) % 40 for i in range(84)])) == (1080, 810)


def test_prediction_chart() -> None:
    weeks = DAYS[::7]
    times = [6600 - 20 * i for i in range(len(weeks))]
    png = charts.prediction_chart(weeks, times, [t * 0.95 for t in times], [t * 1.06 for t in times], 6300)
    assert _size(png) == (1080, 810)
