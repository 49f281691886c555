"""Pytest fixtures for the fake Telegram. Register in the root conftest with
``pytest_plugins = ["tests.fakebot.pytest_plugin"]`` (or import the fixtures into a conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .client import FakeTelegram


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A running fake Telegram on an ephemeral 127.0.0.1 port, default limits, stopped after the test."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def fake_telegram_env(fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> FakeTelegram:
    """``fake_telegram``, with TELEGRAM_BOT_TOKEN, TELEGRAM_BASE_URL, TELEGRAM_BASE_FILE_URL set."""
    for key, value in fake_telegram.env().items():
        monkeypatch.setenv(key, value)
    return fake_telegram
