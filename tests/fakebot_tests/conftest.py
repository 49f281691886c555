"""Fixtures for the fake Telegram's own tests.

Also makes ``tests.fakebot`` importable under plain ``pytest`` (not only ``python -m pytest``), and makes
sure ``import telegram`` means python-telegram-bot: pytest puts ``tests/`` itself on ``sys.path`` (the root
conftest has no package), so a ``tests/telegram/`` package would otherwise shadow the library.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _import_real_ptb() -> None:
    loaded = sys.modules.get("telegram")
    if loaded is not None and not str(getattr(loaded, "__file__", "") or "").startswith(str(TESTS)):
        return  # the library is already imported
    if loaded is not None:
        return  # a tests/telegram package already won; leave it alone (see the lead's report)
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != TESTS]
    try:
        for name in ("telegram", "telegram.error", "telegram.request", "telegram.ext"):
            importlib.import_module(name)
    finally:
        sys.path[:] = saved


_import_real_ptb()

from tests.fakebot.pytest_plugin import fake_telegram, fake_telegram_env  # noqa: E402

__all__ = ["fake_telegram", "fake_telegram_env"]
