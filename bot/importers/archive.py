"""ZIP archives (e.g. a Strava bulk export) and gzip members, with bomb-proof limits.

Limits: at most ``MAX_MEMBERS`` activity members and ``MAX_TOTAL_UNCOMPRESSED`` bytes inflated in
total; each member is inflated with a hard cap, whatever its header claims. Nested archives are not
opened. Members that are not activity files (photos, profile data, folders) are ignored.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import CORRUPT, TOO_LARGE, ImportFailure

MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".csv")


@dataclass
class Member:
    """One inflated activity member: its display name and bytes, or the failure that stopped it."""

    name: str
    data: bytes | None
    failure: ImportFailure | None = None


def _wanted(name: str) -> bool:
    lower = name.lower()
    base = lower.rsplit("/", 1)[-1]
    if lower.startswith("__macosx/") or base.startswith(".") or lower.endswith("/"):
        return False
    return lower.removesuffix(".gz").endswith(ACTIVITY_SUFFIXES)


def gunzip(data: bytes, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """Inflate gzip data, refusing more than ``limit`` bytes (gzip bombs)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ImportFailure(CORRUPT, reason="gzip") from exc
    if len(out) > limit:
        raise ImportFailure(TOO_LARGE, limit_mb=limit // (1024 * 1024))
    if not inflater.eof:
        raise ImportFailure(CORRUPT, reason="gzip")
    return out


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    limit = min(MAX_MEMBER_BYTES, budget)
    if info.file_size > limit:
        raise ImportFailure(TOO_LARGE, limit_mb=MAX_MEMBER_BYTES // (1024 * 1024))
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ImportFailure(TOO_LARGE, limit_mb=MAX_MEMBER_BYTES // (1024 * 1024))
    if info.filename.lower().endswith(".gz"):
        data = gunzip(data, limit)
    return data


def members(archive: bytes) -> Iterator[Member]:
    """Activity members of a ZIP; raises for unreadable archives and for bombs (too many/too big)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(archive))
        infos = [i for i in zf.infolist() if not i.is_dir() and _wanted(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFailure(CORRUPT, reason="zip") from exc
    if len(infos) > MAX_MEMBERS:
        raise ImportFailure(TOO_LARGE, members=len(infos), max_members=MAX_MEMBERS)
    if sum(i.file_size for i in infos) > MAX_TOTAL_UNCOMPRESSED:
        raise ImportFailure(TOO_LARGE, limit_mb=MAX_TOTAL_UNCOMPRESSED // (1024 * 1024))
    budget = MAX_TOTAL_UNCOMPRESSED
    with zf:
        for info in infos:
            name = info.filename.removesuffix(".gz").removesuffix(".GZ")
            try:
                data = _read_member(zf, info, budget)
            except ImportFailure as exc:
                yield Member(name, None, exc)
                continue
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
                yield Member(name, None, ImportFailure(CORRUPT, reason="zip"))
                continue
            budget -= len(data)
            yield Member(name, data)


def is_gzip(data: bytes) -> bool:
    """True for gzip magic bytes."""
    return data[:2] == b"\x1f\x8b"

