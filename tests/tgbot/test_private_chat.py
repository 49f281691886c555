"""Every private-chat path of the Telegram bot through the real Application (no network)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from models.db import session_scope
from models.tables import RUNNER_TABLES, Activity, Runner
from tests.tgbot import updates as u
from tests.tgbot.conftest import BotHarness

ANA = 1001
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"


def _buttons(call_params: dict) -> list[str]:
    markup = call_params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not markup:
        return []
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


async def test_text_log_replies_in_html_with_rpe_buttons_and_stores(tg: BotHarness, engine: Engine) -> None:
    await tg.feed(u.text(ANA, "did 10k in 52 min, legs heavy"))
    sent = tg.request.sent()
    assert len(sent) == 1
    assert sent[0].params["parse_mode"] == "HTML" and int(sent[0].params["chat_id"]) == ANA
    assert "10.00 km" in sent[0].params["text"]
    buttons = _buttons(sent[0].params)
    assert len(buttons) == 10 and buttons[0].startswith("rpe:")
    await tg.feed(u.button(ANA, buttons[6]))
    assert tg.request.sent("answerCallbackQuery"), "every tap is acknowledged"
    assert tg.request.sent("editMessageReplyMarkup"), "the keyboard is removed after a tap"
    with session_scope(engine) as s:
        act = s.exec(select(Activity)).one()
        assert (act.distance_m, act.moving_time_s, act.rpe) == (10000, 3120, 7)


async def test_every_command_answers(tg: BotHarness) -> None:
    commands = ["/start", "/help", "/today", "/plan", "/predict", "/risk", "/progress", "/why", "/goal",
                "/settings", "/pause", "/resume", "/log", "/privacy", "/join", "/leave", "/team", "/coach"]
    await tg.feed(u.text(ANA, "ran 8 km in 44 min rpe 5"))
    for command in commands:
        tg.request.clear()
        await tg.feed(u.text(ANA, command))
        sent = [c for c in tg.request.calls if c.method in ("sendMessage", "sendPhoto", "sendDocument")]
        assert sent, f"{command} got no answer"
        assert all("went wrong" not in str(c.params.get("text") or c.params.get("caption")) for c in sent), command


async def test_progress_sends_chart_photos_with_captions(tg: BotHarness) -> None:
    for text in ("ran 8 km in 44 min rpe 5", "yesterday 5 km in 30 min"):
        await tg.feed(u.text(ANA, text))
    tg.request.clear()
    await tg.feed(u.text(ANA, "/progress"))
    photos = tg.request.sent("sendPhoto")
    assert len(photos) == 3
    for call in photos:
        assert call.files["photo"][:8] == b"\x89PNG\r\n\x1a\n"
        assert call.params["caption"]


async def test_documents_import_with_summary_and_bad_files_explained(tg: BotHarness, engine: Engine) -> None:
    fit = FIXTURES / "fit" / "fenix2_run_9km.fit"
    tg.request.files["f1"] = fit.read_bytes()
    await tg.feed(u.document(ANA, "f1", fit.name, len(tg.request.files["f1"])))
    assert tg.request.sent("getFile")
    assert "Imported" in tg.request.texts(ANA)[-1]
    tg.request.files["f2"] = b"not a fit file at all" * 10
    await tg.feed(u.document(ANA, "f2", "broken.fit", 210))
    assert "Imported" not in tg.request.texts(ANA)[-1]
    tg.request.clear()
    await tg.feed(u.document(ANA, "f3", "huge.zip", 60 * 1024 * 1024))
    assert not tg.request.sent("getFile"), "an oversized file is refused before download"
    assert "MB" in tg.request.texts(ANA)[-1]
    with session_scope(engine) as s:
        assert len(s.exec(select(Activity)).all()) >= 1


async def test_photos_and_voice_get_an_explanation(tg: BotHarness) -> None:
    await tg.feed(u.photo(ANA))
    await tg.feed(u.voice(ANA))
    texts = tg.request.texts(ANA)
    assert "photos" in texts[0] and "voice" in texts[1]


async def test_export_zip_and_confirmed_delete(tg: BotHarness, engine: Engine) -> None:
    await tg.feed(u.text(ANA, "ran 6 km in 33 min, rpe 4"))
    await tg.feed(u.text(ANA, "/export"))
    doc = tg.request.sent("sendDocument")[-1]
    with zipfile.ZipFile(io.BytesIO(doc.files["document"])) as zf:
        exported = json.loads(zf.read("runcoach-export.json"))
    assert exported["activity"][0]["distance_m"] == 6000
    await tg.feed(u.text(ANA, "/delete"))
    assert set(_buttons(tg.request.sent()[-1].params)) == {"del:yes", "del:no"}
    await tg.feed(u.button(ANA, "del:yes"))
    with session_scope(engine) as s:
        assert s.exec(select(Runner)).all() == []
        for table in RUNNER_TABLES:
            assert s.exec(select(table)).all() == []  # type: ignore[call-overload]


async def test_long_replies_are_split_under_4096(tg: BotHarness) -> None:
    from bot.transports.telegram.send import split_text

    text = "\n\n".join(f"<b>Week {i}</b>: " + "easy run " * 60 for i in range(20))
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert all(p.count("<b>") == p.count("</b>") for p in parts)


async def test_a_runner_who_blocked_the_bot_is_marked_inactive(tg: BotHarness, engine: Engine) -> None:
    await tg.feed(u.text(ANA, "hi"))
    tg.request.fail["sendMessage"] = (403, "Forbidden: bot was blocked by the user", None)
    await tg.feed(u.text(ANA, "ran 5k in 25 min"))
    with session_scope(engine) as s:
        assert s.exec(select(Runner)).one().active is False
