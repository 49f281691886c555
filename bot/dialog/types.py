"""What goes into the dialog core and what comes out, independent of any transport."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: what the runner sees and the data that comes back when tapped (<= 64 bytes)."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send. ``text`` uses Telegram's HTML subset; transports that cannot show
    HTML strip the tags. ``image`` is a PNG; ``document`` a (filename, bytes) pair."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: bytes | None = None
    document: tuple[str, bytes] | None = None
    chat_id: int | None = None  # send to another chat (a group reply's private follow-up); None: this chat


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is talking: a stable external id ("tg:123", "console:ana"), a display name and the chat."""

    external_id: str
    name: str | None = None
    chat_id: int | None = None
    chat_type: str = "private"  # private / group / supergroup
    chat_title: str | None = None
    user_id: int | None = None  # the transport's numeric user id (Telegram), for coach checks
    private_chat_id: int | None = None  # where to reach this person privately, when known


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing the runner sent: text (commands included), a file, or a button press."""

    text: str | None = None
    file_name: str | None = None
    file_data: bytes | None = None
    file_size: int | None = None
    button: str | None = None
    media: str | None = None  # "photo", "voice", "sticker"... things the coach cannot read
    event: str | None = None  # "added_to_group", "removed_from_group", "migrated"
    new_chat_id: int | None = None  # for "migrated"
    is_admin: bool = False  # the sender administers the group (checked by the transport)
    location: tuple[float, float] | None = None  # (latitude, longitude) the runner shared


@dataclass(slots=True)
class Outcome:
    """Replies plus what happened, for transports and tests that need more than text."""

    replies: list[Reply] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
