"""A runner's data is theirs: export everything, delete everything."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from models.queries import delete_runner, runner_rows


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return None  # binary series are summarised by their activity row; export holds the JSON/CSV
    return value


def export_zip(session: Session, runner_id: int) -> bytes:
    """A ZIP with one CSV per table and ``runcoach-export.json`` holding all of it."""
    tables = runner_rows(session, runner_id)
    clean = {name: [{k: _plain(v) for k, v in row.items()} for row in rows] for name, rows in tables.items()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("runcoach-export.json", json.dumps(clean, indent=2, ensure_ascii=False, default=str))
        for name, rows in clean.items():
            out = io.StringIO()
            if rows:
                fields = sorted({k for row in rows for k in row})
                writer = csv.DictWriter(out, fieldnames=fields)
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in row.items()})
            zf.writestr(f"{name}.csv", out.getvalue())
    return buf.getvalue()


def delete_everything(session: Session, runner_id: int) -> None:
    """Remove every row of the runner in every table, consents included."""
    delete_runner(session, runner_id)
