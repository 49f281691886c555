"""``runcoach import``: files from disk into a runner's history, one JSON object per input file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from bot.dialog.turn import runner_zone
from bot.importers import FileResult, error_message, to_json
from bot.services.importing import import_for_runner
from bot.settings import get_settings
from models.db import session_scope
from models.queries import get_or_create_runner
from prompts import render


def import_paths(engine: Engine, runner_name: str, paths: list[Path], as_json: bool) -> Iterator[str]:
    """Import each path for the console runner ``runner_name``; yields one output line per input file."""
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            result = FileResult(file=str(path), ok=False, activities=[], error="unreadable", error_params={})
            yield json.dumps(to_json(result)) if as_json else render("cli/import_line", result=result,
                                                                  message=error_message(result), new=0, dup=0)
            continue
        with session_scope(engine) as session:
            runner, _ = get_or_create_runner(session, f"console:{runner_name}", name=runner_name,
                                             time_zone=get_settings().default_time_zone)
            stored = import_for_runner(session, runner, path.name, data, runner_zone(runner))
        for item in stored:
            item.result.file = str(path) if len(stored) == 1 else f"{path}/{item.result.file.split('/', 1)[-1]}"
            if as_json:
                yield json.dumps(to_json(item.result), ensure_ascii=False)
            else:
                msg = "" if item.result.ok else error_message(item.result)
                yield render("cli/import_line", result=item.result, message=msg, new=len(item.new),
                             dup=item.duplicates)
