"""Paths to the committed activity fixtures and the optional shared real-data folder."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"


def shared_data_dir() -> Path:
    """RUNCOACH_SHARED_DATA or <checkout>/../shared/data (absent on a fresh clone)."""
    env = os.environ.get("RUNCOACH_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


def fixture(relative: str) -> bytes:
    """Bytes of a committed fixture."""
    return (FIXTURES / relative).read_bytes()
