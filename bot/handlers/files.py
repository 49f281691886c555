"""Handler for documents: activity files, archives and history exports."""

from __future__ import annotations

from bot.dialog.keyboards import rpe_keyboard
from bot.dialog.turn import Turn
from bot.dialog.types import Button, Incoming, Reply
from bot.importers import MAX_UPLOAD_BYTES, error_message
from bot.services.importing import import_for_runner
from bot.services.logbook import RUNNING_SPORTS

LONG_WORK_BYTES = 1_000_000
BATCH_SUFFIXES = (".zip", ".csv")


def needs_progress(incoming: Incoming) -> bool:
    """Archives, exports and big files take a moment: the runner gets a progress message first."""
    name = (incoming.file_name or "").lower()
    size = incoming.file_size or (len(incoming.file_data) if incoming.file_data is not None else 0)
    return name.endswith(BATCH_SUFFIXES) or size > LONG_WORK_BYTES


def handle_file(turn: Turn, incoming: Incoming) -> list[Reply]:
    """Import a document and summarise what was stored, or say kindly why not."""
    name = incoming.file_name or "file"
    size = incoming.file_size or (len(incoming.file_data) if incoming.file_data is not None else 0)
    if size > MAX_UPLOAD_BYTES or incoming.file_data is None:
        return [turn.say("files/too_large", name=name, size_mb=size / 1e6, limit_mb=MAX_UPLOAD_BYTES / 1e6)]
    stored = import_for_runner(turn.session, turn.runner, name, incoming.file_data, turn.tz)
    new = [row for s in stored for row in s.new]
    if new:
        turn.stored.append("activity")
    failures = [(s.result.file, error_message(s.result)) for s in stored if not s.result.ok]
    duplicates = sum(s.duplicates for s in stored)
    skipped = sum(s.result.skipped for s in stored)
    runs = [a for a in new if a.sport in RUNNING_SPORTS]
    buttons: tuple[tuple[Button, ...], ...] = ()
    if len(new) == 1 and new[0].rpe is None and new[0].id is not None:
        buttons = rpe_keyboard(new[0].id)
    return [turn.say("files/imported", buttons=buttons, new=new, runs=runs, duplicates=duplicates,
                     failures=failures, skipped=skipped, running_sports=RUNNING_SPORTS)]


def progress(turn: Turn, incoming: Incoming) -> Reply:
    """The 'working on it' message for long imports."""
    return turn.say("files/progress", name=incoming.file_name or "file")
