"""Settings from environment variables and an optional ``.env`` file (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable. Environment variables win over ``.env``."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'runcoach.db'}",
        description="SQLAlchemy URL; SQLite file in the working directory by default.",
    )
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = Field(default=None, description="Bot API base URL (tests point it at a fake).")
    telegram_base_file_url: str | None = None
    default_time_zone: str = "Europe/London"
    default_morning_time: str = "07:00"
    default_evening_time: str = "20:00"
    log_level: str = "INFO"
    telegram_http_client: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp", description="HTTP client for the Bot API (httpx: python-telegram-bot's default).")
    telegram_overall_rate: float = Field(
        default=30.0, gt=0, description="Replies per second for the whole bot (Telegram's guidance: about 30).")
    dialog_on_loop: bool | None = Field(
        default=None, description="Answer quick turns on the event loop (unset: on SQLite yes, PostgreSQL no).")
    scheduler_interval_s: float = Field(default=25.0, gt=0, description="How often the outbox tick runs.")
    scheduler_rate_per_s: float = Field(default=25.0, gt=0, description="Messages per second for one sender.")

    @field_validator("default_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix):]
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
