"""``runcoach import``: files from disk into a runner's history, one output line per input file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.dialog.turn import runner_zone
from bot.importers import FileResult, error_message, to_json
from bot.services.importing import StoredFile, import_for_runner
from bot.settings import get_settings
from models.db import session_scope
from models.queries import get_or_create_runner
from prompts import render


def file_json(path: Path, stored: list[StoredFile]) -> dict[str, Any]:
    """One JSON object for one input file; an archive's members are listed under ``members``."""
    if len(stored) == 1:
        return {**to_json(stored[0].result), "file": str(path), "new": len(stored[0].new),
                "duplicates": stored[0].duplicates}
    members = [to_json(s.result) for s in stored]
    good = [m for m in members if m["ok"]]
    out: dict[str, Any] = {"file": str(path), "ok": bool(good),
                           "activities": [a for m in good for a in m["activities"]],
                           "new": sum(len(s.new) for s in stored), "duplicates": sum(s.duplicates for s in stored),
                           "members": members}
    if not good:
        out["error"] = members[0].get("error") if members else render("cli/empty_archive")
    return out


def import_paths(engine: Engine, runner_name: str, paths: list[Path], as_json: bool) -> Iterator[str]:
    """Import each path for the console runner ``runner_name``; yields one output line per input file."""
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            result = FileResult(file=str(path), ok=False, activities=[], error="unreadable", error_params={})
            stored = [StoredFile(result=result)]
        else:
            with session_scope(engine) as session:
                runner, _ = get_or_create_runner(session, f"console:{runner_name}", name=runner_name,
                                                 time_zone=get_settings().default_time_zone)
                stored = import_for_runner(session, runner, path.name, data, runner_zone(runner))
        if as_json:
            yield json.dumps(file_json(path, stored), ensure_ascii=False)
            continue
        for item in stored:
            msg = "" if item.result.ok else error_message(item.result)
            yield render("cli/import_line", result=item.result, message=msg, new=len(item.new), dup=item.duplicates)
