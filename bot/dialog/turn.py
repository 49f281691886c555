"""One turn of the conversation: the runner, the database session, the clock, and reply helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.dialog.types import Button, Reply
from models.tables import Runner
from prompts import render

if TYPE_CHECKING:
    from bot.dialog.core import Dialog


def runner_zone(runner: Runner) -> ZoneInfo:
    """The runner's IANA time zone (UTC when the stored name is unknown)."""
    try:
        return ZoneInfo(runner.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass
class Turn:
    """Everything a handler needs for one incoming message."""

    session: Session
    runner: Runner
    now: datetime  # aware, UTC
    dialog: Dialog
    stored: list[str] = field(default_factory=list)
    text: str = ""  # the runner's message, for handlers that look at wording

    @property
    def tz(self) -> ZoneInfo:
        """The runner's time zone."""
        return runner_zone(self.runner)

    @property
    def local_now(self) -> datetime:
        """Now on the runner's wall clock."""
        return self.now.astimezone(self.tz)

    @property
    def today(self) -> date:
        """The runner's local calendar day."""
        return self.local_now.date()

    @property
    def runner_id(self) -> int:
        """The stored runner's primary key."""
        assert self.runner.id is not None
        return self.runner.id

    def say(self, template: str, buttons: tuple[tuple[Button, ...], ...] = (), image: bytes | None = None,
            document: tuple[str, bytes] | None = None, **context: Any) -> Reply:
        """A reply rendered from ``prompts/<template>.j2`` (HTML-escaped values)."""
        text = render(template, html=True, runner=self.runner, today=self.today, **context)
        return Reply(text=text, buttons=buttons, image=image, document=document)
