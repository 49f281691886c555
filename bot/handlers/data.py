"""Reading numbers out of button data and deep links, which anyone can forge."""

from __future__ import annotations

MAX_ID_DIGITS = 12  # database ids stay far below 10**12; longer "ids" are forged


def small_int(text: str, max_digits: int = MAX_ID_DIGITS) -> int | None:
    """An ASCII decimal number of at most ``max_digits`` digits, else None ('²', '1e9', huge ids)."""
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
