"""Error codes for failed imports.

Importers raise :class:`ImportFailure` with a code and numeric/name parameters; the
runner-facing sentence for each code lives in ``prompts/import/error_<code>.j2``.
"""

from __future__ import annotations

from typing import Any

EMPTY = "empty"
TOO_LARGE = "too_large"
CORRUPT = "corrupt"
TRUNCATED = "truncated"
NOT_ACTIVITY = "not_activity"
UNSAFE_XML = "unsafe_xml"
UNSUPPORTED_FORMAT = "unsupported_format"
NO_DATA = "no_data"
IMPLAUSIBLE = "implausible"
NO_TIMESTAMPS = "no_timestamps"
BAD_TIMESTAMPS = "bad_timestamps"
NO_TRACK = "no_track"
TOO_SHORT = "too_short"
UNREADABLE = "unreadable"  # the file could not be read at all (CLI: missing path, no permission)

ALL_CODES: tuple[str, ...] = (
    EMPTY,
    TOO_LARGE,
    CORRUPT,
    TRUNCATED,
    NOT_ACTIVITY,
    UNSAFE_XML,
    UNSUPPORTED_FORMAT,
    NO_DATA,
    IMPLAUSIBLE,
    NO_TIMESTAMPS,
    BAD_TIMESTAMPS,
    NO_TRACK,
    TOO_SHORT,
    UNREADABLE,
)


class ImportFailure(Exception):
    """A file that cannot be imported, with a machine-readable code and template parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = params
