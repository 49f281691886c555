"""The sending bench runs (small numbers) and never trips a Telegram limit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_send.py"


def test_bench_send_virtual_clock_has_no_429() -> None:
    spec = importlib.util.spec_from_file_location("bench_send", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = bench.run_virtual(runners=120, groups=2, group_parts=22)
    assert out["http_429"] == 0
    assert out["messages"] == 120 + 2 * 22
    assert out["max_messages_in_any_1s"] <= 25 and out["max_group_messages_in_any_60s"] <= 20
    assert out["row_statuses"] == {"sent": 122}
    assert out["private_span_s"] >= (120 - 25) / 25 - 0.05  # a burst of 25, then 25 a second
