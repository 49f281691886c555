"""The HTTP face of the fake: aiohttp on 127.0.0.1 speaking the Bot API.

Routes
  ``/bot<token>/<method>``          Bot API (GET/POST; query, form, multipart or JSON parameters)
  ``/file/bot<token>/<file_path>``  file downloads (paths come from getFile)
  ``/_fake/<action>``               a small JSON control API for a fake running in another process

With ``webhook_proxy`` set, a registered webhook receives the updates as Telegram sends them: POSTed
one at a time, oldest first, to ``webhook_proxy`` + the webhook URL's path (as through the TLS proxy in
front of a real bot), with the secret token header; an update is confirmed only by a 2xx answer, and
anything else (an error status, a refused or dropped connection) makes the fake send it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import BodyPartReader, web

from .state import ApiError, FakeState, FakeUser, Fault, JSONDict, Params, command_entities

log = logging.getLogger("fakebot")

FileParts = dict[str, tuple[str | None, bytes, str | None]]
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_TIMEOUT_S = 60.0
WEBHOOK_RETRY_S = 0.2


class FakeBotServer:
    """Serves one :class:`FakeState` on ``host:port`` (port 0: an ephemeral port, see :attr:`port`)."""

    def __init__(self, state: FakeState, host: str = "127.0.0.1", port: int = 0,
                 webhook_proxy: str | None = None) -> None:
        self.state = state
        self.host = host
        self.port = port
        self.webhook_proxy = webhook_proxy.rstrip("/") if webhook_proxy else None
        self._delivery: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake_event: asyncio.Event | None = None
        self._closing = False
        self._methods: dict[str, str] = {}
        for name in dir(state):
            if name.startswith("_api_"):
                self._methods[name[5:].lower()] = name[5:]
        self._methods["getupdates"] = "getUpdates"

    # -- lifecycle  ------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake_event = asyncio.Event()
        self._closing = False
        self.state.add_listener(self._listener)
        app = web.Application(client_max_size=self.state.limits.max_upload_bytes + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/_fake/{action}", self._handle_control)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        if self.webhook_proxy:
            self._delivery = asyncio.create_task(self._deliver_webhooks())

    async def stop(self) -> None:
        self._closing = True
        self._wake()
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None
        self.state.remove_listener(self._listener)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _listener(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._wake_event is not None:
            self._wake_event.set()
            self._wake_event = asyncio.Event()

    async def _deliver_webhooks(self) -> None:
        """Telegram's side of a webhook: POST the oldest unconfirmed update until a 2xx answer takes it."""
        assert self.webhook_proxy is not None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT_S)) as http:
            while not self._closing:
                waiting = self._wake_event
                update, url, secret = self.state.next_webhook_update()
                if update is None:
                    if waiting is not None:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(waiting.wait(), 0.2)
                    continue
                headers = {WEBHOOK_SECRET_HEADER: secret} if secret else {}
                try:
                    async with http.post(self.webhook_proxy + urlsplit(url).path, json=update,
                                         headers=headers) as resp:
                        ok = 200 <= resp.status < 300
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    self.state.confirm_webhook_update(int(update["update_id"]))
                else:
                    self.state.count_webhook_failure()
                    await asyncio.sleep(WEBHOOK_RETRY_S)

    # -- helpers  ------

    @staticmethod
    def _json(payload: JSONDict, status: int = 200) -> web.Response:
        return web.Response(
            status=status,
            body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            content_type="application/json",
        )

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[JSONDict, FileParts]:
        params: JSONDict = dict(request.query)
        files: FileParts = {}
        if not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    files[part.name] = (
                        part.filename,
                        bytes(await part.read(decode=True)),
                        part.headers.get("Content-Type"),
                    )
                else:
                    params[part.name] = await part.text()
        elif ctype == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = value
                else:
                    files[key] = (value.filename, value.file.read(), value.content_type)
        return params, files

    def _error(self, method: str, params: JSONDict, err: ApiError) -> web.Response:
        self.state.record(method, params, err.code, err.description)
        return self._json(err.payload(), err.code)

    # -- Bot API  ------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return self._json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        raw_method = request.match_info["method"]
        method = self._methods.get(raw_method.lower())
        try:
            params, files = await self._read_body(request)
        except (ValueError, json.JSONDecodeError) as exc:
            return self._error(raw_method, {}, ApiError(400, f"Bad Request: can't parse request body: {exc}"))
        if method is None:
            with self.state.lock:
                self.state.unknown_methods[raw_method] += 1
                self.state.requests_by_method[raw_method] += 1
            return self._error(raw_method, params, ApiError(404, "Not Found"))
        with self.state.lock:
            self.state.requests_by_method[method] += 1
        logged = {k: v for k, v in params.items()}
        for name, (filename, data, _ctype) in files.items():
            logged[f"<file:{name}>"] = f"{filename} ({len(data)} bytes)"

        fault = self.state.take_fault(method)
        if fault is not None:
            return await self._faulty(request, method, params, files, logged, fault)
        try:
            return await self._dispatch(method, params, files, logged)
        except Exception as exc:  # a bug in the fake: answer like Telegram would, but say what broke
            log.exception("fake Telegram failed on %s", method)
            return self._error(method, logged, ApiError(500, f"Internal Server Error: fake bug: {exc!r}"))

    async def _dispatch(
        self, method: str, params: JSONDict, files: FileParts, logged: JSONDict
    ) -> web.Response:
        try:
            if method == "getUpdates":
                result: Any = await self._get_updates(Params(params))
            else:
                result = self.state.call(method, params, files)
        except ApiError as err:
            return self._error(method, logged, err)
        self.state.record(method, logged, 200)
        return self._json({"ok": True, "result": result})

    async def _faulty(
        self,
        request: web.Request,
        method: str,
        params: JSONDict,
        files: FileParts,
        logged: JSONDict,
        fault: Fault,
    ) -> web.StreamResponse:
        if fault.kind == "error":
            return self._error(method, logged, fault.error())
        response = await self._dispatch(method, params, files, logged) if fault.effect else None
        if fault.kind == "timeout":
            await asyncio.sleep(fault.delay)
            if response is not None:
                return response
            return self._error(method, logged, ApiError(504, "Gateway Timeout"))
        if fault.kind == "drop":
            if response is None:
                self.state.record(method, logged, 0, "connection dropped")
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing more to write: the client sees a closed connection
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    async def _get_updates(self, p: Params) -> list[JSONDict]:
        assert self._loop is not None
        offset = p.int("offset")
        limit = min(100, max(1, p.int("limit", 100) or 100))
        timeout = max(0.0, p.float("timeout", 0.0) or 0.0)
        allowed = p.json("allowed_updates")
        if self.state.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        ticket = self.state.begin_poll(allowed)
        deadline = self._loop.time() + timeout
        while True:
            event = self._wake_event
            assert event is not None
            if self.state.poll_generation != ticket:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            updates = self.state.take_updates(offset, limit)
            if updates or timeout == 0 or self._closing:
                return updates
            remaining = deadline - self._loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # -- files  ------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return self._json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        path = request.match_info["path"]
        with self.state.lock:
            self.state.requests_by_method["file"] += 1
        fault = self.state.take_fault("file")
        if fault is not None:
            if fault.kind == "error":
                return self._error("file", {"path": path}, fault.error())
            if fault.kind == "timeout":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "drop" and request.transport is not None:
                request.transport.abort()
                raise asyncio.CancelledError
        data = self.state.download(path)
        if data is None:
            return self._error("file", {"path": path}, ApiError(404, "Not Found"))
        self.state.record("file", {"path": path}, 200)
        return web.Response(body=data, content_type="application/octet-stream")

    # -- control API for a fake in another process  ------

    async def _handle_control(self, request: web.Request) -> web.StreamResponse:
        action = request.match_info["action"]
        body: JSONDict = dict(request.query)
        if request.body_exists:
            with contextlib.suppress(ValueError):
                body.update(await request.json())
        try:
            result = self._control(action, body)
        except (KeyError, ValueError, TypeError) as exc:
            return self._json({"ok": False, "description": f"{type(exc).__name__}: {exc}"}, 400)
        return self._json({"ok": True, "result": result})

    def _control(self, action: str, body: JSONDict) -> Any:
        st = self.state
        if action == "user":
            user = st.new_user(
                body.get("first_name", "Runner"),
                body.get("username"),
                id=int(body["id"]) if "id" in body else None,
            )
            return user.to_dict()
        if action == "send_text":
            uid = int(body["user_id"])
            user = st.users.get(uid) or st.new_user(body.get("first_name", "Runner"), id=uid)
            chat = st.chats[int(body["chat_id"])] if "chat_id" in body else st.private_chat(user)
            text = str(body["text"])
            return st.user_message(user, chat, text=text, entities=command_entities(text) or None)
        if action == "replies":
            chat_id = int(body["chat_id"])
            with st.lock:
                return [r.message for r in st.sent if r.chat_id == chat_id]
        if action == "stats":
            with st.lock:
                return {
                    "requests_by_method": dict(st.requests_by_method),
                    "count_429": st.count_429,
                    "responses_by_status": {str(k): v for k, v in st.responses_by_status.items()},
                    "pending_updates": len(st._updates),
                    "sent": len(st.sent),
                }
        if action == "limits":
            with st.lock:
                fields = {f.name for f in dataclasses.fields(st.limits)} - {"flood_methods"}
                for key, value in body.items():
                    if key not in fields:
                        raise KeyError(key)
                    setattr(st.limits, key, value)
                st.reset_flood()
                return {k: v for k, v in dataclasses.asdict(st.limits).items() if k != "flood_methods"}
        if action == "fail_next":
            fault = Fault(**{k: v for k, v in body.items() if k not in ("method", "n")})
            st.fail_next(body.get("method"), fault, int(body.get("n", 1)))
            return True
        if action == "clear_faults":
            st.clear_faults()
            return True
        raise KeyError(f"unknown action {action}")


__all__ = ["FakeBotServer", "FakeUser"]
