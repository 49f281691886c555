"""The fake Telegram's world: users, chats, messages, the update queue, files, limits and faults.

Everything here is plain synchronous Python guarded by one re-entrant lock, so the HTTP server
(running on its own event loop in a background thread) and the test controller (any thread, any
loop) can both touch it. Bot API methods are implemented in :meth:`FakeState.call`; parameters
arrive the way Telegram receives them: strings (JSON-encoded when not plain strings) from form or
multipart bodies, or native values from JSON bodies.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import mimetypes
import random
import re
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JSONDict = dict[str, Any]

# Update types Telegram leaves out unless they are asked for in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVoice",
        "sendVideo",
        "sendAnimation",
        "sendVideoNote",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ..., "parameters": ...}``."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


# ----------------------------------------------------------------------------------------------------------
# World objects


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user (or the bot itself)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_dict(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeChat:
    """A chat: ``private`` (id == the user's id), ``group`` or ``supergroup``."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    #: for groups: the supergroup this group was upgraded to
    migrated_to: int | None = None
    #: the bot's standing in the chat: "member", "administrator", "left", "kicked" (private: blocked)
    bot_status: str = "member"

    def to_dict(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": self.type}
        for name in ("title", "username", "first_name", "last_name"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.type == "group":
            data["all_members_are_administrators"] = False
        return data


@dataclass
class StoredFile:
    """A file the fake knows: uploaded by the bot or sent by a user; downloadable via getFile."""

    file_id: str
    file_unique_id: str
    data: bytes | None
    file_path: str
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0


@dataclass
class SentMessage:
    """One message the bot sent (sendMessage, sendPhoto, sendDocument, ...), kept up to date on edits."""

    method: str
    chat_id: int
    message_id: int
    message: JSONDict
    params: JSONDict
    sent_at: float
    file: StoredFile | None = None
    edits: list[JSONDict] = field(default_factory=list)
    deleted: bool = False

    @property
    def text(self) -> str | None:
        return self.message.get("text")

    @property
    def caption(self) -> str | None:
        return self.message.get("caption")

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has."""
        return self.message.get("text") or self.message.get("caption") or ""

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")

    @property
    def reply_markup(self) -> JSONDict | None:
        return self.message.get("reply_markup")

    @property
    def buttons(self) -> list[list[JSONDict]]:
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def button_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    @property
    def file_bytes(self) -> bytes | None:
        return self.file.data if self.file else None

    @property
    def file_name(self) -> str | None:
        return self.file.file_name if self.file else None


@dataclass
class CallbackQueryRecord:
    """A button press and, once the bot answers, its answer."""

    id: str
    user: FakeUser
    chat_id: int | None
    message_id: int | None
    data: str | None
    pressed_at: float
    answered: bool = False
    answer: JSONDict | None = None


@dataclass
class ApiCall:
    """One Bot API request as the server saw it."""

    method: str
    params: JSONDict
    status: int
    at: float
    error: str | None = None


@dataclass
class Limits:
    """Telegram's limits; mutate the instance on ``FakeTelegram.limits`` to change them per test."""

    #: answer flood-limit violations with 429 + retry_after
    flood: bool = True
    global_per_second: float = 30.0
    global_burst: float = 30.0
    private_per_second: float = 1.0
    private_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0
    #: slack for network jitter: a request is allowed when the bucket holds at least
    #: 1 - max(tolerance, rate * jitter) tokens (requests a client spaced correctly may arrive bunched)
    tolerance: float = 0.1
    jitter: float = 0.05
    flood_methods: frozenset[str] = SEND_METHODS
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64
    max_callback_answer_length: int = 200
    max_download_bytes: int = 20 * 1024 * 1024
    max_upload_bytes: int = 50 * 1024 * 1024
    #: validate parse_mode HTML / MarkdownV2 / Markdown like Telegram (400 "can't parse entities")
    check_entities: bool = True
    #: group privacy mode: in groups the bot only gets commands, replies to it and mentions
    privacy_mode: bool = True
    #: seconds after which answerCallbackQuery is refused as too old (None: never)
    callback_query_expiry: float | None = None


@dataclass
class Fault:
    """An injected failure. ``kind``: "error" (HTTP ``status`` with a Telegram-style error body),
    "timeout" (answer only after ``delay`` seconds), "drop" (close the connection, no response).
    ``effect``: for timeout/drop, perform the call anyway (Telegram did it; the client never learns)."""

    kind: str = "error"
    status: int = 500
    description: str = "Internal Server Error"
    delay: float = 30.0
    effect: bool = False
    retry_after: int | None = None

    def error(self) -> ApiError:
        params = {"retry_after": self.retry_after} if self.retry_after else None
        return ApiError(self.status, self.description, params)


@dataclass
class _RandomFault:
    method: str | None
    probability: float
    fault: Fault
    rng: random.Random


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second (the same shape as aiolimiter's)."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.last = now


# ----------------------------------------------------------------------------------------------------------
# Parameter decoding (PTB sends every value as a string, non-strings JSON-encoded)


class Params:
    def __init__(self, raw: JSONDict) -> None:
        self.raw = raw

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def float(self, name: str, default: float | None = None) -> float | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


# ----------------------------------------------------------------------------------------------------------
# Entity parsing (enough of Telegram's rules to catch the usual mistakes)

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*>")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def plain_text_html(text: str) -> str:
    """Strip Telegram HTML to the text it shows, raising 400 like Telegram on markup errors."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                if text.find(">", i) < 0:
                    raise bad_request(
                        f"can't parse entities: Unclosed start tag at byte offset {_byte_offset(text, i)}"
                    )
                name = re.match(r"</?([^\s>]*)", text[i:])
                tag = name.group(1) if name else ""
                raise bad_request(
                    f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset '
                    f"{_byte_offset(text, i)}"
                )
            closing, name, _attrs = m.group(1), m.group(2).lower(), m.group(3)
            if name not in _HTML_TAGS:
                raise bad_request(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                    f"{_byte_offset(text, i)}"
                )
            if closing:
                if not stack:
                    raise bad_request(
                        f"can't parse entities: Unexpected end tag at byte offset {_byte_offset(text, i)}"
                    )
                if stack[-1] != name:
                    raise bad_request(
                        f"can't parse entities: Unmatched end tag at byte offset "
                        f'{_byte_offset(text, i)}, expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
            i = m.end()
            continue
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m:
                out.append(html.unescape(m.group(0)))
                i = m.end()
                continue
        out.append(ch)
        i += 1
    if stack:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


def plain_text_markdown_v2(text: str) -> str:
    """Strip MarkdownV2 (approximately), raising 400 on unescaped reserved characters and open entities."""
    out: list[str] = []
    open_at: dict[str, int] = {}
    i = 0
    in_code = False
    bracket_depth = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = 3 if text.startswith("```", i) else 1
            in_code = not in_code
            i += fence
            continue
        if in_code:
            out.append(ch)
            i += 1
            continue
        if ch in "*_~" or (ch == "|" and text.startswith("||", i)):
            token = "||" if ch == "|" else ("__" if text.startswith("__", i) else ch)
            if token in open_at:
                del open_at[token]
            else:
                open_at[token] = _byte_offset(text, i)
            i += len(token)
            continue
        if ch == "[":
            bracket_depth += 1
            i += 1
            continue
        if ch == "]" and bracket_depth:
            bracket_depth -= 1
            if text.startswith("(", i + 1):
                end = text.find(")", i + 2)
                if end < 0:
                    raise bad_request(
                        f"can't parse entities: Can't find end of a URL at byte offset "
                        f"{_byte_offset(text, i + 1)}"
                    )
                i = end + 1
            else:
                i += 1
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if ch in _MDV2_RESERVED:
            raise bad_request(
                f"can't parse entities: Character '{ch}' is reserved and must be escaped with the "
                f"preceding '\\'"
            )
        out.append(ch)
        i += 1
    if in_code:
        raise bad_request("can't parse entities: Can't find end of the entity starting at byte offset 0")
    if open_at:
        raise bad_request(
            f"can't parse entities: Can't find end of the entity starting at byte offset "
            f"{min(open_at.values())}"
        )
    return "".join(out)


def plain_text_markdown(text: str) -> str:
    """Legacy Markdown: *bold*, _italic_, `code`, [text](url); open entities are errors."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "*_`":
            end = text.find(ch, i + 1)
            if end < 0:
                raise bad_request(
                    f"can't parse entities: Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, i)}"
                )
            out.append(text[i + 1 : end])
            i = end + 1
            continue
        if ch == "[":
            m = re.match(r"\[([^\]]*)\]\(([^)]*)\)", text[i:])
            if m:
                out.append(m.group(1))
                i += m.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def plain_text(text: str, parse_mode: str | None, check: bool) -> str:
    mode = (parse_mode or "").lower()
    if not check or not mode:
        return text
    if mode == "html":
        return plain_text_html(text)
    if mode == "markdownv2":
        return plain_text_markdown_v2(text)
    if mode == "markdown":
        return plain_text_markdown(text)
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[JSONDict]:
    """bot_command entities the way Telegram adds them (offsets in UTF-16 code units)."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))}
        for m in _COMMAND_RE.finditer(text)
    ]


def image_size(data: bytes | None) -> tuple[int, int]:
    """Width and height of a PNG or JPEG; 800x600 when unknown."""
    if data and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data and data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
            i += 2 + length
    return 800, 600


# ----------------------------------------------------------------------------------------------------------
# The state


class FakeState:
    """The whole fake Telegram. Thread-safe: every public method takes ``self.lock``."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "runcoach_test_bot",
        bot_name: str = "RunCoach",
        limits: Limits | None = None,
        seed: int = 0,
        clock: Callable[[], float | datetime] | None = None,
    ) -> None:
        self.clock = clock
        self.token = token
        head = token.split(":", 1)[0]
        bot_id = int(head) if head.isdigit() else 7_000_000_001
        self.bot = FakeUser(id=bot_id, first_name=bot_name, username=bot_username, is_bot=True)
        self.limits = limits or Limits()
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._listeners: list[Callable[[], None]] = []
        self._rng = random.Random(seed)
        self._ids = itertools.count(1)
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(4_000_000_001)
        self._supergroup_ids = itertools.count(1_000_000_000_001)

        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[int, dict[int, JSONDict]] = defaultdict(dict)
        self._next_message_id: dict[int, int] = defaultdict(lambda: 1)
        self.sent: list[SentMessage] = []
        self._sent_by_key: dict[tuple[int, int], SentMessage] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.chat_actions: list[tuple[int, str, float]] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.webhook: JSONDict = {"url": ""}
        self.webhook_deliveries = 0
        self.webhook_failures = 0  # error answers, refused or dropped connections (each update is re-sent)

        self._updates: deque[JSONDict] = deque()
        self._next_update_id = 500_000_001
        self.allowed_updates: list[str] | None = None
        self.poll_generation = 0
        self.dropped_updates = 0

        self.calls: list[ApiCall] = []
        self.requests_by_method: Counter[str] = Counter()
        self.responses_by_status: Counter[int] = Counter()
        self.count_429 = 0
        self.send_times: dict[int, list[float]] = defaultdict(list)
        self.unknown_methods: Counter[str] = Counter()

        self._buckets: dict[Any, TokenBucket] = {}
        self._fault_queue: dict[str, deque[Fault]] = defaultdict(deque)
        self._random_faults: list[_RandomFault] = []

    # -- plumbing  ------

    def add_listener(self, listener: Callable[[], None]) -> None:
        """``listener()`` is called (from any thread) after updates are queued."""
        with self.lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        with self.lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def now(self) -> int:
        """Message dates: the injected clock, else the wall clock (epoch seconds)."""
        value = self.clock() if self.clock is not None else time.time()
        return int(value.timestamp() if isinstance(value, datetime) else value)

    def _notify(self) -> None:
        self.changed.notify_all()
        for listener in list(self._listeners):
            listener()

    def _new_file_ids(self, kind: str) -> tuple[str, str]:
        n = next(self._ids)
        tail = "".join(
            self._rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            for _ in range(24)
        )
        prefix = {"photo": "AgAC", "document": "BQAC", "voice": "AwAC"}.get(kind, "CAAC")
        return f"{prefix}{kind[:3]}{n:08d}{tail}", f"AQAD{n:08d}"

    def store_file(
        self,
        data: bytes | None,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        with self.lock:
            file_id, unique = self._new_file_ids(kind)
            ext = {"photo": ".jpg", "voice": ".oga"}.get(kind, "")
            if file_name and "." in file_name:
                ext = "." + file_name.rsplit(".", 1)[1]
            folder = {"photo": "photos", "voice": "voice", "document": "documents"}.get(kind, kind + "s")
            path = f"{folder}/file_{len(self.files)}{ext}"
            if mime_type is None and file_name:
                mime_type = mimetypes.guess_type(file_name)[0]
            stored = StoredFile(file_id, unique, data, path, kind, file_name, mime_type, url)
            self.files[file_id] = stored
            self.files_by_path[path] = stored
            return stored

    # -- world building (controller side)  ------

    def new_user(
        self,
        first_name: str = "Runner",
        username: str | None = None,
        *,
        id: int | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        with self.lock:
            user = FakeUser(
                id=id if id is not None else next(self._user_ids),
                first_name=first_name,
                username=username,
                last_name=last_name,
                language_code=language_code,
            )
            self.users[user.id] = user
            self.chats.setdefault(
                user.id,
                FakeChat(
                    id=user.id, type="private", username=username, first_name=first_name, last_name=last_name
                ),
            )
            return user

    def new_group(
        self,
        title: str = "Running club",
        *,
        supergroup: bool = False,
        username: str | None = None,
        bot_member: bool = True,
    ) -> FakeChat:
        with self.lock:
            if supergroup:
                chat_id = -next(self._supergroup_ids)
            else:
                chat_id = -next(self._group_ids)
            chat = FakeChat(
                id=chat_id,
                type="supergroup" if supergroup else "group",
                title=title,
                username=username,
                bot_status="member" if bot_member else "left",
            )
            self.chats[chat_id] = chat
            return chat

    def private_chat(self, user: FakeUser) -> FakeChat:
        with self.lock:
            if user.id not in self.chats:
                self.users[user.id] = user
                self.chats[user.id] = FakeChat(
                    id=user.id,
                    type="private",
                    username=user.username,
                    first_name=user.first_name,
                    last_name=user.last_name,
                )
            return self.chats[user.id]

    def chat_id_of(self, chat: FakeChat | FakeUser | int | SentMessage) -> int:
        if isinstance(chat, FakeChat | FakeUser):
            return chat.id
        if isinstance(chat, SentMessage):
            return chat.chat_id
        return int(chat)

    def enqueue(self, kind: str, payload: JSONDict) -> JSONDict:
        with self.lock:
            update = {"update_id": self._next_update_id, kind: payload}
            self._next_update_id += 1
            self._updates.append(update)
            self._notify()
            return update

    def user_message(
        self, user: FakeUser, chat: FakeChat, *, deliver: bool = True, **content: Any
    ) -> JSONDict:
        """Record a message from ``user`` in ``chat`` and (unless privacy mode hides it) queue the update."""
        with self.lock:
            mid = self._take_message_id(chat.id)
            msg: JSONDict = {
                "message_id": mid,
                "from": user.to_dict(),
                "chat": chat.to_dict(),
                "date": self.now(),
            }
            msg.update({k: v for k, v in content.items() if v is not None})
            self.messages[chat.id][mid] = msg
            if deliver and self._bot_sees(chat, msg):
                self.enqueue("message", msg)
            return msg

    def _bot_sees(self, chat: FakeChat, msg: JSONDict) -> bool:
        if chat.bot_status in ("left", "kicked") and not msg.get("new_chat_members"):
            return False
        if chat.type == "private" or not self.limits.privacy_mode:
            return True
        if any(
            k in msg
            for k in (
                "new_chat_members",
                "left_chat_member",
                "migrate_to_chat_id",
                "migrate_from_chat_id",
                "group_chat_created",
                "new_chat_title",
            )
        ):
            return True
        text = msg.get("text") or msg.get("caption") or ""
        if any(e.get("type") == "bot_command" for e in msg.get("entities", [])):
            return True
        reply = msg.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == self.bot.id:
            return True
        return bool(self.bot.username and f"@{self.bot.username}".lower() in text.lower())

    def _take_message_id(self, chat_id: int) -> int:
        mid = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = mid + 1
        return mid

    def find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        with self.lock:
            return self._sent_by_key.get((chat_id, message_id))

    def member(self, user: FakeUser, status: str) -> JSONDict:
        data: JSONDict = {"user": user.to_dict(), "status": status}
        if status == "kicked":
            data["until_date"] = 0
        return data

    def my_chat_member(self, chat: FakeChat, by: FakeUser, old: str, new: str) -> JSONDict:
        with self.lock:
            chat.bot_status = new
            payload = {
                "chat": chat.to_dict(),
                "from": by.to_dict(),
                "date": self.now(),
                "old_chat_member": self.member(self.bot, old),
                "new_chat_member": self.member(self.bot, new),
            }
            return self.enqueue("my_chat_member", payload)

    # -- faults  ------

    def fail_next(self, method: str | None, fault: Fault, n: int = 1) -> None:
        with self.lock:
            self._fault_queue[method or "*"].extend(fault for _ in range(n))

    def fail_randomly(self, method: str | None, probability: float, fault: Fault, seed: int = 0) -> None:
        with self.lock:
            self._random_faults.append(_RandomFault(method, probability, fault, random.Random(seed)))

    def clear_faults(self) -> None:
        with self.lock:
            self._fault_queue.clear()
            self._random_faults.clear()

    def take_fault(self, method: str) -> Fault | None:
        with self.lock:
            for key in (method, "*"):
                queue = self._fault_queue.get(key)
                if queue:
                    return queue.popleft()
            for rf in self._random_faults:
                if (rf.method is None or rf.method == method) and rf.rng.random() < rf.probability:
                    return rf.fault
            return None

    # -- stats  ------

    def record(self, method: str, params: JSONDict, status: int, error: str | None = None) -> None:
        with self.lock:
            self.calls.append(ApiCall(method, params, status, time.monotonic(), error))
            self.responses_by_status[status] += 1
            if status == 429:
                self.count_429 += 1
            self.changed.notify_all()

    def reset_flood(self) -> None:
        """Forget the flood buckets (after changing ``limits``)."""
        with self.lock:
            self._buckets.clear()

    # -- updates  ------

    def begin_poll(self, allowed_updates: list[str] | None) -> int:
        with self.lock:
            self.poll_generation += 1
            if allowed_updates is not None:  # [] resets to the default set
                self.allowed_updates = list(allowed_updates) or None
            self._notify()
            return self.poll_generation

    def pending_updates(self) -> int:
        with self.lock:
            return len(self._updates)

    def next_webhook_update(self) -> tuple[JSONDict | None, str, str | None]:
        """(the oldest unconfirmed update, the webhook URL, its secret token) while a webhook is set."""
        with self.lock:
            url = str(self.webhook.get("url") or "")
            if not url or not self._updates:
                return None, url, None
            return dict(self._updates[0]), url, self.webhook.get("secret_token")

    def confirm_webhook_update(self, update_id: int) -> None:
        """The webhook answered 2xx: the update is delivered."""
        with self.lock:
            if self._updates and self._updates[0]["update_id"] == update_id:
                self._updates.popleft()
                self.webhook_deliveries += 1
                self.changed.notify_all()

    def count_webhook_failure(self) -> None:
        with self.lock:
            self.webhook_failures += 1

    def take_updates(self, offset: int | None, limit: int) -> list[JSONDict]:
        """Confirm updates below ``offset`` (negative: keep only the last -offset) and return the rest."""
        with self.lock:
            if offset is not None and offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            elif offset:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            if self.webhook.get("url"):
                return []
            allowed = self.allowed_updates
            out: list[JSONDict] = []
            for update in list(self._updates):
                kind = next(k for k in update if k != "update_id")
                ok = kind in allowed if allowed else kind not in OPT_IN_UPDATES
                if not ok:
                    self._updates.remove(update)
                    self.dropped_updates += 1
                    continue
                out.append(update)
                if len(out) >= limit:
                    break
            if out:
                self.changed.notify_all()
            return out

    # -- the Bot API  ------

    def call(self, method: str, raw: JSONDict, files: dict[str, tuple[str | None, bytes, str | None]]) -> Any:
        """Run one Bot API method (not getUpdates, which the server long-polls). Raises :class:`ApiError`."""
        with self.lock:
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            p = Params(raw)
            if method in SEND_METHODS:
                chat = self._target_chat(p)
                self._check_flood(method, chat)
                result = handler(p, files, chat)
                self.send_times[chat.id].append(time.monotonic())
                self.changed.notify_all()
                return result
            return handler(p, files)

    def _resolve_chat(self, value: Any) -> FakeChat:
        if isinstance(value, str) and value.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == value[1:].lower() and chat.type != "private":
                    return chat
            raise bad_request("chat not found")
        try:
            chat_id = int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _target_chat(self, p: Params) -> FakeChat:
        if "chat_id" not in p:
            raise bad_request("chat_id is empty")
        chat = self._resolve_chat(p.raw["chat_id"])
        self._check_can_write(chat)
        return chat

    def _check_can_write(self, chat: FakeChat) -> None:
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private" and chat.bot_status == "kicked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.type != "private" and chat.bot_status == "kicked":
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        if chat.type != "private" and chat.bot_status == "left":
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")

    def _check_flood(self, method: str, chat: FakeChat) -> None:
        lim = self.limits
        if not lim.flood or method not in lim.flood_methods:
            return
        now = time.monotonic()
        checks: list[tuple[Any, float, float]] = [("global", lim.global_per_second, lim.global_burst)]
        if chat.type == "private":
            checks.append((("chat", chat.id), lim.private_per_second, lim.private_burst))
        else:
            checks.append((("chat", chat.id), lim.group_per_minute / 60.0, lim.group_burst))
        # all-or-nothing: peek first so a refused request consumes no tokens
        waits = []
        for key, rate, burst in checks:
            if rate <= 0:
                continue
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(rate, burst, now)
            bucket.tokens = min(bucket.capacity, bucket.tokens + (now - bucket.last) * bucket.rate)
            bucket.last = now
            if bucket.tokens < 1.0 - max(lim.tolerance, rate * lim.jitter):
                waits.append((1.0 - bucket.tokens) / bucket.rate)
        if waits:
            retry_after = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        for key, rate, _burst in checks:
            if rate > 0:
                self._buckets[key].tokens -= 1.0

    # message helpers

    def _text_arg(
        self, p: Params, name: str, limit: int, required: bool
    ) -> tuple[str | None, list[JSONDict] | None]:
        text = p.str(name)
        entities = p.json("entities" if name == "text" else "caption_entities")
        if text is None or text == "":
            if required:
                raise bad_request("message text is empty")
            return None, None
        shown = plain_text(text, p.str("parse_mode"), self.limits.check_entities and not entities)
        if required and not shown.strip():
            raise bad_request("message text is empty")
        if len(shown) > limit:
            raise bad_request("message is too long" if name == "text" else "message caption is too long")
        return shown if p.str("parse_mode") else text, entities

    def _markup(self, p: Params) -> JSONDict | None:
        markup = p.json("reply_markup")
        if not markup:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return None  # reply keyboards and the like are not echoed in the Message
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in keyboard:
            for button in row:
                if not button.get("text"):
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not (
                    0 < len(str(data).encode("utf-8")) <= self.limits.max_callback_data_bytes
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
                if not any(
                    k in button
                    for k in (
                        "callback_data",
                        "url",
                        "web_app",
                        "login_url",
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "callback_game",
                        "pay",
                        "copy_text",
                        "switch_inline_query_chosen_chat",
                    )
                ):
                    raise bad_request("text buttons are unallowed in the inline keyboard")
        return {"inline_keyboard": keyboard}

    def _bot_message(
        self, method: str, chat: FakeChat, p: Params, content: JSONDict, file: StoredFile | None = None
    ) -> JSONDict:
        mid = self._take_message_id(chat.id)
        msg: JSONDict = {
            "message_id": mid,
            "from": self.bot.to_dict(),
            "chat": chat.to_dict(),
            "date": self.now(),
        }
        reply = p.json("reply_parameters") or (
            {"message_id": p.int("reply_to_message_id")} if "reply_to_message_id" in p else None
        )
        if reply and reply.get("message_id"):
            original = self.messages[chat.id].get(int(reply["message_id"]))
            if original is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            if original is not None:
                msg["reply_to_message"] = {k: v for k, v in original.items() if k != "reply_to_message"}
        msg.update({k: v for k, v in content.items() if v is not None})
        markup = self._markup(p)
        if markup:
            msg["reply_markup"] = markup
        self.messages[chat.id][mid] = msg
        record = SentMessage(
            method=method,
            chat_id=chat.id,
            message_id=mid,
            message=msg,
            params=dict(p.raw),
            sent_at=time.monotonic(),
            file=file,
        )
        self.sent.append(record)
        self._sent_by_key[(chat.id, mid)] = record
        return msg

    def _input_file(
        self, p: Params, files: dict[str, tuple[str | None, bytes, str | None]], name: str, kind: str
    ) -> StoredFile:
        part = files.get(name)
        value = p.str(name)
        if part is None and value and value.startswith("attach://"):
            part = files.get(value[len("attach://") :])
            if part is None:
                raise bad_request(
                    f'wrong remote file identifier specified: can\'t find attached file "{value}"'
                )
        if part is not None:
            filename, data, content_type = part
            if not data:
                raise bad_request("file must be non-empty")
            if len(data) > self.limits.max_upload_bytes:
                raise ApiError(413, "Request Entity Too Large")
            mime = content_type if content_type and content_type != "application/octet-stream" else None
            return self.store_file(
                data,
                kind,
                file_name=filename,
                mime_type=mime or (mimetypes.guess_type(filename)[0] if filename else None),
            )
        if not value:
            raise bad_request(f"there is no {name} in the request")
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            return self.store_file(None, kind, file_name=value.rsplit("/", 1)[-1] or None, url=value)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def photo_sizes(
        self, stored: StoredFile, width: int | None = None, height: int | None = None
    ) -> list[JSONDict]:
        w, h = (width, height) if width and height else image_size(stored.data)
        scale = min(1.0, 90 / max(w, h, 1))
        thumb = {
            "file_id": stored.file_id + "_s",
            "file_unique_id": stored.file_unique_id + "s",
            "file_size": stored.size,
            "width": max(1, int(w * scale)),
            "height": max(1, int(h * scale)),
        }
        self.files[thumb["file_id"]] = stored
        full = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": w,
            "height": h,
        }
        return [thumb, full]

    @staticmethod
    def document_dict(stored: StoredFile) -> JSONDict:
        doc: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        return doc

    # -- methods ------

    def _api_getMe(self, p: Params, files: Any) -> JSONDict:
        me = self.bot.to_dict()
        me.update(
            {
                "can_join_groups": True,
                "can_read_all_group_messages": not self.limits.privacy_mode,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        return me

    def _api_logOut(self, p: Params, files: Any) -> bool:
        return True

    def _api_close(self, p: Params, files: Any) -> bool:
        return True

    def _api_setWebhook(self, p: Params, files: Any) -> bool:
        url = p.str("url") or ""
        if url and not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {
            "url": url,
            "secret_token": p.str("secret_token"),
            "allowed_updates": p.json("allowed_updates"),
            "max_connections": p.int("max_connections", 40),
        }
        if p.bool("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_deleteWebhook(self, p: Params, files: Any) -> bool:
        self.webhook = {"url": ""}
        if p.bool("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, p: Params, files: Any) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook.get("url"):
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _api_sendMessage(self, p: Params, files: Any, chat: FakeChat) -> JSONDict:
        text, entities = self._text_arg(p, "text", self.limits.max_text_length, required=True)
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        if "link_preview_options" in p:
            content["link_preview_options"] = p.json("link_preview_options")
        return self._bot_message("sendMessage", chat, p, content)

    def _api_sendPhoto(self, p: Params, files: Any, chat: FakeChat) -> JSONDict:
        caption, entities = self._text_arg(p, "caption", self.limits.max_caption_length, required=False)
        stored = self._input_file(p, files, "photo", "photo")
        content = {"photo": self.photo_sizes(stored), "caption": caption, "caption_entities": entities}
        return self._bot_message("sendPhoto", chat, p, content, stored)

    def _api_sendDocument(self, p: Params, files: Any, chat: FakeChat) -> JSONDict:
        caption, entities = self._text_arg(p, "caption", self.limits.max_caption_length, required=False)
        stored = self._input_file(p, files, "document", "document")
        content = {"document": self.document_dict(stored), "caption": caption, "caption_entities": entities}
        return self._bot_message("sendDocument", chat, p, content, stored)

    def _api_sendVoice(self, p: Params, files: Any, chat: FakeChat) -> JSONDict:
        caption, entities = self._text_arg(p, "caption", self.limits.max_caption_length, required=False)
        stored = self._input_file(p, files, "voice", "voice")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "duration": p.int("duration", 1),
            "mime_type": stored.mime_type or "audio/ogg",
        }
        return self._bot_message(
            "sendVoice", chat, p, {"voice": voice, "caption": caption, "caption_entities": entities}, stored
        )

    def _edit_target(self, p: Params) -> SentMessage:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the fake")
        chat = self._resolve_chat(p.raw.get("chat_id"))
        self._check_can_write(chat)
        mid = p.int("message_id")
        if mid is None:
            raise bad_request("message identifier is not specified")
        record = self._sent_by_key.get((chat.id, mid))
        if record is None or record.deleted:
            if mid in self.messages[chat.id]:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return record

    def _apply_edit(self, record: SentMessage, changes: JSONDict, p: Params) -> JSONDict:
        markup = self._markup(p)
        new = dict(record.message)
        new.update({k: v for k, v in changes.items() if v is not None})
        for k, v in changes.items():
            if v is None:
                new.pop(k, None)
        if markup:
            new["reply_markup"] = markup
        else:
            new.pop("reply_markup", None)
        old_cmp = {k: v for k, v in record.message.items() if k != "edit_date"}
        new_cmp = {k: v for k, v in new.items() if k != "edit_date"}
        if old_cmp == new_cmp:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        new["edit_date"] = self.now()
        record.edits.append(record.message)
        record.message = new
        self.messages[record.chat_id][record.message_id] = new
        self.changed.notify_all()
        return new

    def _api_editMessageText(self, p: Params, files: Any) -> JSONDict:
        record = self._edit_target(p)
        if "text" not in record.message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text_arg(p, "text", self.limits.max_text_length, required=True)
        return self._apply_edit(record, {"text": text, "entities": entities}, p)

    def _api_editMessageCaption(self, p: Params, files: Any) -> JSONDict:
        record = self._edit_target(p)
        caption, entities = self._text_arg(p, "caption", self.limits.max_caption_length, required=False)
        return self._apply_edit(record, {"caption": caption, "caption_entities": entities}, p)

    def _api_editMessageReplyMarkup(self, p: Params, files: Any) -> JSONDict:
        record = self._edit_target(p)
        return self._apply_edit(record, {}, p)

    def _api_deleteMessage(self, p: Params, files: Any) -> bool:
        chat = self._resolve_chat(p.raw.get("chat_id"))
        mid = p.int("message_id")
        if mid is None or mid not in self.messages[chat.id]:
            raise bad_request("message to delete not found")
        del self.messages[chat.id][mid]
        record = self._sent_by_key.get((chat.id, mid))
        if record is not None:
            record.deleted = True
        return True

    def _api_answerCallbackQuery(self, p: Params, files: Any) -> bool:
        qid = p.str("callback_query_id") or ""
        record = self.callback_queries.get(qid)
        expiry = self.limits.callback_query_expiry
        if (
            record is None
            or record.answered
            or (expiry is not None and time.monotonic() - record.pressed_at > expiry)
        ):
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.str("text")
        if text and len(text) > self.limits.max_callback_answer_length:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": p.bool("show_alert"),
            "url": p.str("url"),
            "cache_time": p.int("cache_time"),
        }
        self.changed.notify_all()
        return True

    def _api_sendChatAction(self, p: Params, files: Any) -> bool:
        chat = self._target_chat(p)
        action = p.str("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action, time.monotonic()))
        return True

    @staticmethod
    def _scope_key(p: Params) -> tuple[str, str]:
        scope = p.json("scope") or {"type": "default"}
        key = (
            scope.get("type", "default")
            + (f":{scope['chat_id']}" if "chat_id" in scope else "")
            + (f":{scope['user_id']}" if "user_id" in scope else "")
        )
        return key, p.str("language_code") or ""

    def _api_setMyCommands(self, p: Params, files: Any) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        self.commands[self._scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_getMyCommands(self, p: Params, files: Any) -> list[JSONDict]:
        return list(self.commands.get(self._scope_key(p), []))

    def _api_deleteMyCommands(self, p: Params, files: Any) -> bool:
        self.commands.pop(self._scope_key(p), None)
        return True

    def _api_getFile(self, p: Params, files: Any) -> JSONDict:
        stored = self.files.get(p.str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > self.limits.max_download_bytes:
            raise bad_request("file is too big")
        return {
            "file_id": p.str("file_id"),
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _api_getChat(self, p: Params, files: Any) -> JSONDict:
        chat = self._resolve_chat(p.raw.get("chat_id"))
        data = chat.to_dict()
        data.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                },
            }
        )
        return data

    def download(self, file_path: str) -> bytes | None:
        with self.lock:
            stored = self.files_by_path.get(file_path)
            return stored.data if stored else None


def iter_buttons(markup: JSONDict | None) -> Iterable[JSONDict]:
    for row in (markup or {}).get("inline_keyboard", []):
        yield from row
