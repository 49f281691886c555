"""Builders of Telegram updates as the Bot API sends them (dicts, de-serialised by PTB)."""

from __future__ import annotations

import itertools
from typing import Any

_ids = itertools.count(1)


def user(uid: int, name: str = "Ana") -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": name}


def private_chat(uid: int, name: str = "Ana") -> dict[str, Any]:
    return {"id": uid, "type": "private", "first_name": name}


def group_chat(chat_id: int, title: str = "Club") -> dict[str, Any]:
    return {"id": chat_id, "type": "group", "title": title}


def _message(chat: dict[str, Any], sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"update_id": next(_ids), "message": {"message_id": next(_ids), "date": 1_700_000_000, "chat": chat,
                                                  "from": sender, **fields}}


def text(uid: int, body: str, name: str = "Ana", chat: dict[str, Any] | None = None) -> dict[str, Any]:
    entities = []
    if body.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(body.split()[0])}]
    return _message(chat or private_chat(uid, name), user(uid, name), text=body, entities=entities)


def document(uid: int, file_id: str, file_name: str, size: int) -> dict[str, Any]:
    return _message(private_chat(uid), user(uid), document={"file_id": file_id, "file_unique_id": file_id,
                                                            "file_name": file_name, "file_size": size})


def photo(uid: int) -> dict[str, Any]:
    return _message(private_chat(uid), user(uid), photo=[{"file_id": "ph", "file_unique_id": "ph", "width": 90,
                                                           "height": 90}])


def voice(uid: int) -> dict[str, Any]:
    return _message(private_chat(uid), user(uid), voice={"file_id": "v", "file_unique_id": "v", "duration": 3})


def button(uid: int, data: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    chat = chat or private_chat(uid)
    return {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "from": user(uid), "chat_instance": "ci", "data": data,
        "message": {"message_id": next(_ids), "date": 1_700_000_000, "chat": chat, "text": "…",
                    "from": {"id": 4242, "is_bot": True, "first_name": "RunCoach"}}}}


def bot_added(chat_id: int, by_uid: int, title: str = "Club", bot_id: int = 4242) -> dict[str, Any]:
    bot = {"id": bot_id, "is_bot": True, "first_name": "RunCoach"}
    return {"update_id": next(_ids), "my_chat_member": {
        "chat": group_chat(chat_id, title), "from": user(by_uid, "Coach"), "date": 1_700_000_000,
        "old_chat_member": {"status": "left", "user": bot},
        "new_chat_member": {"status": "member", "user": bot}}}


def migrated(chat_id: int, new_id: int, by_uid: int) -> dict[str, Any]:
    return _message(group_chat(chat_id), user(by_uid), migrate_to_chat_id=new_id)
