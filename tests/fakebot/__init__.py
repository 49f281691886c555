"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) for tests and benchmarks, and its controller.

    from tests.fakebot import FakeTelegram

    with FakeTelegram() as fake:        # or the ``fake_telegram`` fixture (tests.fakebot.pytest_plugin)
        app = Application.builder().token(fake.token).base_url(fake.base_url) \
            .base_file_url(fake.base_file_url).build()
        ...
"""

from .client import DEFAULT_TOKEN, FakeTelegram
from .server import FakeBotServer
from .state import (
    ApiCall,
    ApiError,
    CallbackQueryRecord,
    FakeChat,
    FakeState,
    FakeUser,
    Fault,
    Limits,
    SentMessage,
    StoredFile,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "CallbackQueryRecord",
    "FakeBotServer",
    "FakeChat",
    "FakeState",
    "FakeTelegram",
    "FakeUser",
    "Fault",
    "Limits",
    "SentMessage",
    "StoredFile",
]
