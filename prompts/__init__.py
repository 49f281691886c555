"""Every sentence the bot sends lives in a ``.j2`` template in this package.

One cached Jinja2 environment renders them all; Python code passes numbers and
names, never user-facing sentences.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).parent


def _fmt_duration(seconds: float | None) -> str:
    """45:03, 1:05:30 (h:mm:ss) from seconds."""
    if seconds is None:
        return "?"
    total = round(float(seconds))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _fmt_pace(s_per_km: float | None) -> str:
    """5:12/km from seconds per kilometre."""
    if s_per_km is None:
        return "?"
    total = round(float(s_per_km))
    return f"{total // 60}:{total % 60:02d}/km"


def _fmt_km(metres: float | None, digits: int = 1) -> str:
    """12.3 km from metres."""
    if metres is None:
        return "?"
    return f"{float(metres) / 1000:.{digits}f} km"


def _fmt_day(value: object) -> str:
    """'Sun 8 Mar' from a date or an ISO date string."""
    from datetime import date

    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day:%a} {day.day} {day:%b}"


@lru_cache(maxsize=4)
def environment(html: bool = False) -> Environment:
    """The one Jinja2 environment; ``html=True`` escapes values for Telegram's HTML parse mode."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the package: no stat() of every file on every render
    )
    env.filters["duration"] = _fmt_duration
    env.filters["pace"] = _fmt_pace
    env.filters["km"] = _fmt_km
    env.filters["day"] = _fmt_day
    return env


def render(name: str, /, *, html: bool = False, **context: Any) -> str:
    """Render ``prompts/<name>`` (``.j2`` added when missing) and strip surrounding blank space."""
    if not name.endswith(".j2"):
        name = f"{name}.j2"
    return environment(html).get_template(name).render(**context).strip()
