"""python-telegram-bot's HTTP requests over aiohttp instead of its default httpx.

Why: under load the bot's event loop spent most of its time in httpx/httpcore, not in the coach.
httpcore checks every pooled connection before each request (``has_expired``: a ``getpeername`` and a
``poll`` system call per connection, through anyio's attribute lookup), and parses HTTP in pure
Python. aiohttp keeps idle connections without probing them and parses HTTP in C. ``bench/bench_http.py``
measures both through PTB's own ``Bot.send_message`` against the fake Bot API; the figures are in
README.md.

The class implements PTB's documented extension point, :class:`telegram.request.BaseRequest`; PTB still
builds every request and parses every answer (errors, 429 retry_after, migrations), so the bot behaves
the same with either client. ``TELEGRAM_HTTP_CLIENT=httpx`` switches back to PTB's default.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

#: Matches PTB's HTTPXRequest defaults (seconds).
READ_TIMEOUT_S = 5.0
WRITE_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
POOL_TIMEOUT_S = 1.0
MEDIA_WRITE_TIMEOUT_S = 20.0


class AiohttpRequest(BaseRequest):
    """A :class:`~telegram.request.BaseRequest` on one :class:`aiohttp.ClientSession`.

    ``connection_pool_size`` caps concurrent connections (PTB's own default for the bot's requests is
    256, for getUpdates 1). Timeouts are in seconds, with the meanings PTB gives them: ``connect`` to
    open a connection, ``pool`` to wait for a free one, ``read`` between bytes of the answer, ``write``
    for the whole upload (aiohttp has no per-write timeout, so it bounds the request as a whole).
    """

    def __init__(self, connection_pool_size: int = 256, *, read_timeout: float | None = READ_TIMEOUT_S,
                 write_timeout: float | None = WRITE_TIMEOUT_S, connect_timeout: float | None = CONNECT_TIMEOUT_S,
                 pool_timeout: float | None = POOL_TIMEOUT_S,
                 media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT_S) -> None:
        self.connection_pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (seconds); PTB adds it to getUpdates' long-polling timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (inside the running event loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connection_pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(self, read: ODVInput[float], write: ODVInput[float], connect: ODVInput[float],
                 pool: ODVInput[float], has_files: bool) -> aiohttp.ClientTimeout:
        read_s = self._read_timeout if isinstance(read, DefaultValue) else read
        connect_s = self._connect_timeout if isinstance(connect, DefaultValue) else connect
        pool_s = self._pool_timeout if isinstance(pool, DefaultValue) else pool
        if isinstance(write, DefaultValue):
            write_s = self._media_write_timeout if has_files else self._write_timeout
        else:
            write_s = write
        # aiohttp's ``connect`` covers waiting for a pooled connection and opening one; ``sock_read`` is
        # the gap between reads. With files, the upload is bounded by write + read in total.
        acquire = None if connect_s is None or pool_s is None else connect_s + pool_s
        total = None if not has_files or write_s is None or read_s is None else write_s + read_s
        return aiohttp.ClientTimeout(total=total, connect=acquire, sock_connect=connect_s, sock_read=read_s)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; returns (HTTP status, body). Timeouts raise TimedOut, other failures NetworkError."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        data: aiohttp.FormData | dict[str, str] | None = None
        has_files = bool(request_data and request_data.contains_files)
        if request_data is not None:
            if has_files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (file_name, content, mime_type) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=file_name, content_type=mime_type)
                data = form
            else:
                data = request_data.json_parameters
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, has_files)
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def make_request(client: str = "aiohttp", connection_pool_size: int = 256) -> BaseRequest:
    """The request object for ``TELEGRAM_HTTP_CLIENT``: ``aiohttp`` (default) or ``httpx`` (PTB's own)."""
    if client == "httpx":
        from telegram.request import HTTPXRequest

        return HTTPXRequest(connection_pool_size=connection_pool_size)
    return AiohttpRequest(connection_pool_size=connection_pool_size)
