"""Turning the dialog's HTML replies into plain text for terminals and JSON output."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?(?:b|i|u|s|code|pre|a)(?:\s[^>]*)?>", re.I)


def plain(text: str) -> str:
    """Telegram-HTML to plain text: tags dropped, entities unescaped."""
    return html.unescape(_TAG.sub("", text))
