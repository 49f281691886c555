"""A recording ``BaseRequest``: the real Application talks to it instead of the network.

Every Bot API call is recorded with its parameters (uploaded files as bytes) and answered with a
plausible result, so ``Application.process_update`` runs the whole stack offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 4242
BOT_USERNAME = "runcoach_test_bot"


@dataclass
class Call:
    """One recorded Bot API call."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


class RecordingRequest(BaseRequest):
    """Records calls; ``files`` maps file_id -> bytes served by getFile + download;
    ``fail`` maps a method to an (error_code, description, parameters) answer."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}
        self.fail: dict[str, tuple[int, str, dict[str, Any] | None]] = {}
        self.admins: set[int] = set()
        self._message_id = 1000

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts and captions sent (to one chat, or all)."""
        out = []
        for c in self.calls:
            if c.method in ("sendMessage", "sendPhoto", "sendDocument") and (
                    chat_id is None or int(c.params.get("chat_id", 0)) == chat_id):
                out.append(str(c.params.get("text") or c.params.get("caption") or ""))
        return out

    def clear(self) -> None:
        """Forget recorded calls."""
        self.calls.clear()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        if "/file/bot" in url:
            file_id = url.rsplit("/", 1)[-1]
            return 200, self.files.get(file_id, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data is not None and request_data.contains_files:
            for p in request_data._parameters:
                for f in p.input_files or []:
                    content = f.input_file_content
                    files[p.name] = content if isinstance(content, bytes) else content.read()
        self.calls.append(Call(api_method, params, files))
        if api_method in self.fail:
            code, desc, extra = self.fail[api_method]
            body: dict[str, Any] = {"ok": False, "error_code": code, "description": desc}
            if extra:
                body["parameters"] = extra
            return code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "RunCoach", "username": BOT_USERNAME,
                    "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        if method in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup"):
            if method.startswith("edit"):
                return True
            self._message_id += 1
            chat_id = int(params.get("chat_id", 0))
            msg: dict[str, Any] = {"message_id": self._message_id, "date": 1_700_000_000,
                                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "RunCoach"}}
            if "text" in params:
                msg["text"] = params["text"]
            if method == "sendPhoto":
                msg["photo"] = [{"file_id": "p1", "file_unique_id": "p1", "width": 1080, "height": 810}]
            if method == "sendDocument":
                msg["document"] = {"file_id": "d1", "file_unique_id": "d1", "file_name": "export.zip"}
            return msg
        if method == "getFile":
            file_id = str(params["file_id"])
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if method == "getChatMember":
            user_id = int(params["user_id"])
            status = "administrator" if user_id in self.admins else "member"
            member: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "U"}}
            if status == "administrator":
                member.update({k: True for k in (
                    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
                    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories")})
            return member
        return True
