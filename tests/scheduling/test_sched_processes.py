"""Several real sender processes claiming from one database: every row is sent exactly once."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sched_helpers import drain_in_process

from models import outbox
from models.db import make_engine, session_scope
from models.tables import Runner

N_ROWS = 300


def _seed(url: str) -> set[str]:
    engine = make_engine(url)
    now = datetime.now(UTC)
    expected = set()
    with session_scope(engine) as s:
        runners = [Runner(external_id=f"tg:{i}", chat_id=10_000 + i, time_zone="UTC") for i in range(N_ROWS)]
        s.add_all(runners)
        s.flush()
        rows = []
        for r in runners:
            assert r.id is not None
            rows.append({"target_kind": "runner", "target_id": r.id, "kind": "morning",
                         "local_date": date(2026, 3, 12), "chat_id": r.chat_id, "time_zone": "UTC",
                         "due_at": now - timedelta(minutes=1), "expires_at": now + timedelta(days=1)})
            expected.add(f"morning:runner:{r.id}:2026-03-12")
        assert outbox.insert_ignore(s, rows) == N_ROWS
    engine.dispose()
    return expected


def _run(url: str, n_procs: int, tmp_path: Path) -> None:
    expected = _seed(url)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    outs = [tmp_path / f"w{i}.json" for i in range(n_procs)]
    procs = [ctx.Process(target=drain_in_process, args=(url, f"proc-{i}", str(outs[i]), start)) for i in range(n_procs)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    results = [json.loads(o.read_text()) for o in outs]
    print("claimed per process:", [r["claimed"] for r in results])
    sent = Counter(t for r in results for t in r["sent"])
    assert set(sent) == expected
    assert max(sent.values()) == 1  # nobody sent a row twice
    assert sum(1 for r in results if r["claimed"]) >= 2  # the work really was shared
    engine = make_engine(url)
    with session_scope(engine) as s:
        rows = outbox.rows(s)
        assert Counter(r.status for r in rows) == Counter({"sent": N_ROWS})
        assert {r.claimed_by for r in rows} <= {f"proc-{i}" for i in range(n_procs)}
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("n_procs", [2, 4])
def test_sender_processes_on_postgres_send_each_row_once(pg_url: str, n_procs: int, tmp_path: Path) -> None:
    _run(pg_url, n_procs, tmp_path)


def test_sender_processes_on_the_backend_under_test(db_url: str, tmp_path: Path) -> None:
    """The same on SQLite (BEGIN IMMEDIATE claims) in the default pass."""
    _run(db_url, 3, tmp_path)
