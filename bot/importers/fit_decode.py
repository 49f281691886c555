"""A focused, fast FIT decoder for the messages an activity import needs.

Why not fitdecode: decoding a two-hour run takes ~0.6 s with fitdecode and ~1.2 s with fitparse;
this decoder walks the message headers in one tight loop, keeps only byte offsets of ``record``
messages and decodes them column-wise with numpy structured dtypes (~20 ms for the same file).

Supported: normal and compressed-timestamp record headers, little/big-endian definitions,
developer fields (skipped by size), chained FIT files, header and file CRC checks. Unknown
messages and fields are skipped by size. Values follow the FIT profile (scale/offset, invalid
sentinels become ``None``/NaN). Tests validate it against fitdecode and fitparse's golden CSVs.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import CORRUPT, TRUNCATED, ImportFailure

FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z
RELATIVE_TIME_LIMIT = 0x10000000  # FIT date_time values below this are seconds since power-up

# base type number (low 5 bits) -> (struct char, size, invalid value)
_BASE: dict[int, tuple[str, int, float | int | None]] = {
    0: ("B", 1, 0xFF),
    1: ("b", 1, 0x7F),
    2: ("B", 1, 0xFF),
    3: ("h", 2, 0x7FFF),
    4: ("H", 2, 0xFFFF),
    5: ("i", 4, 0x7FFFFFFF),
    6: ("I", 4, 0xFFFFFFFF),
    7: ("s", 1, None),
    8: ("f", 4, float("nan")),
    9: ("d", 8, float("nan")),
    10: ("B", 1, 0),
    11: ("H", 2, 0),
    12: ("I", 4, 0),
    13: ("B", 1, 0xFF),
    14: ("q", 8, 0x7FFFFFFFFFFFFFFF),
    15: ("Q", 8, 0xFFFFFFFFFFFFFFFF),
    16: ("Q", 8, 0),
}

RECORD = 20
# global message number -> (message name, {field number: (field name, scale, offset)})
WANTED: dict[int, tuple[str, dict[int, tuple[str, float, float]]]] = {
    0: ("file_id", {0: ("type", 1, 0), 1: ("manufacturer", 1, 0), 2: ("product", 1, 0),
                    4: ("time_created", 1, 0), 8: ("product_name", 1, 0)}),
    12: ("sport", {0: ("sport", 1, 0), 1: ("sub_sport", 1, 0), 3: ("name", 1, 0)}),
    18: ("session", {253: ("timestamp", 1, 0), 2: ("start_time", 1, 0), 5: ("sport", 1, 0),
                     6: ("sub_sport", 1, 0), 7: ("total_elapsed_time", 1000, 0),
                     8: ("total_timer_time", 1000, 0), 9: ("total_distance", 100, 0),
                     16: ("avg_heart_rate", 1, 0), 17: ("max_heart_rate", 1, 0),
                     18: ("avg_cadence", 1, 0), 22: ("total_ascent", 1, 0),
                     59: ("total_moving_time", 1000, 0), 92: ("avg_fractional_cadence", 128, 0)}),
    19: ("lap", {253: ("timestamp", 1, 0), 2: ("start_time", 1, 0), 7: ("total_elapsed_time", 1000, 0),
                 8: ("total_timer_time", 1000, 0), 9: ("total_distance", 100, 0),
                 15: ("avg_heart_rate", 1, 0), 16: ("max_heart_rate", 1, 0), 25: ("sport", 1, 0)}),
    RECORD: ("record", {253: ("timestamp", 1, 0), 0: ("position_lat", 1, 0), 1: ("position_long", 1, 0),
                        2: ("altitude", 5, 500), 3: ("heart_rate", 1, 0), 4: ("cadence", 1, 0),
                        5: ("distance", 100, 0), 6: ("speed", 1000, 0),
                        8: ("compressed_speed_distance", 1, 0), 53: ("fractional_cadence", 128, 0),
                        73: ("enhanced_speed", 1000, 0), 78: ("enhanced_altitude", 5, 500)}),
    23: ("device_info", {0: ("device_index", 1, 0), 2: ("manufacturer", 1, 0), 4: ("product", 1, 0),
                         27: ("product_name", 1, 0)}),
    34: ("activity", {253: ("timestamp", 1, 0), 0: ("total_timer_time", 1000, 0),
                      1: ("num_sessions", 1, 0), 2: ("type", 1, 0), 5: ("local_timestamp", 1, 0)}),
}


@dataclass
class FitPart:
    """One FIT file of a (possibly chained) byte stream: messages as dicts, records as numpy columns."""

    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class FitStream:
    """Every part that decoded cleanly, plus the failure (code, params) of the first bad part if any."""

    parts: list[FitPart]
    failure: ImportFailure | None = None


# ---------------------------------------------------------------- CRC (CRC-16/ARC, as in the FIT SDK)


def _crc_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint32)
    for b in range(256):
        crc = b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table[b] = crc
    return table


_TABLE = _crc_table()
_TABLE_LIST: list[int] = [int(x) for x in _TABLE]
_CHUNK = 256


def _crc_scalar(data: bytes | memoryview, crc: int = 0) -> int:
    table = _TABLE_LIST
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


@lru_cache(maxsize=1)
def _zero_feed_tables() -> tuple[list[int], list[int]]:
    """Tables mapping a CRC state to the state after feeding ``_CHUNK`` zero bytes (linear map)."""
    images = [_crc_scalar(bytes(_CHUNK), 1 << bit) for bit in range(16)]
    lo = [0] * 256
    hi = [0] * 256
    for x in range(256):
        for bit in range(8):
            if x >> bit & 1:
                lo[x] ^= images[bit]
                hi[x] ^= images[bit + 8]
    return lo, hi


def crc16(data: bytes | memoryview) -> int:
    """FIT CRC of ``data``; vectorised over 256-byte chunks for large inputs (CRC is linear)."""
    n = len(data)
    if n < 4096:
        return _crc_scalar(data)
    m = -(-n // _CHUNK)
    padded = np.zeros(m * _CHUNK, dtype=np.uint8)  # leading zeros leave a zero-initialised CRC unchanged
    padded[m * _CHUNK - n :] = np.frombuffer(data, dtype=np.uint8)
    cols = padded.reshape(m, _CHUNK).astype(np.uint32).T.copy()
    state = np.zeros(m, dtype=np.uint32)
    for col in cols:
        state = _TABLE[(state ^ col) & 0xFF] ^ (state >> 8)
    lo, hi = _zero_feed_tables()
    crc = 0
    for part in state.tolist():
        crc = lo[crc & 0xFF] ^ hi[crc >> 8] ^ part
    return crc


# ---------------------------------------------------------------- definitions


@dataclass(slots=True)
class _Def:
    gnum: int
    size: int
    unpack: struct.Struct | None  # wanted non-record message
    names: tuple[str, ...]
    kinds: tuple[int, ...]  # base type per unpacked field
    ts_unpack: struct.Struct | None
    ts_offset: int
    dtype: np.dtype | None = None  # record messages
    offsets: list[int] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)


def _field_layout(
    fields: list[tuple[int, int, int]], wanted: dict[int, tuple[str, float, float]]
) -> tuple[str, list[tuple[str, int, int, int]]]:
    """Struct format and the wanted fields as (name, offset, base type, count)."""
    fmt: list[str] = []
    chosen: list[tuple[str, int, int, int]] = []
    offset = 0
    for fnum, size, btype in fields:
        base = btype & 0x1F
        char, bsize, _ = _BASE.get(base, ("B", 1, None))
        spec = wanted.get(fnum)
        if spec is not None and base in _BASE and size % bsize == 0 and size > 0:
            count = size // bsize
            fmt.append(f"{size}s" if char == "s" or count > 1 else char)
            chosen.append((spec[0], offset, base, count))
        else:
            fmt.append(f"{size}x")
        offset += size
    return "".join(fmt), chosen


def _record_dtype(endian: str, chosen: list[tuple[str, int, int, int]], size: int) -> np.dtype:
    names, formats, offsets = [], [], []
    for name, off, base, count in chosen:
        char = _BASE[base][0]
        if char == "s":
            continue
        code = np.dtype(char).newbyteorder(">" if endian == ">" else "<")
        names.append(name)
        formats.append((code, (count,)) if count > 1 else code)
        offsets.append(off)
    return np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": max(size, 1)})


def _parse_definition(buf: bytes, pos: int, dev: bool) -> tuple[_Def, int]:
    endian = ">" if buf[pos + 1] == 1 else "<"
    (gnum,) = struct.unpack_from(endian + "H", buf, pos + 2)
    nfields = buf[pos + 4]
    pos += 5
    fields = [(buf[pos + 3 * i], buf[pos + 3 * i + 1], buf[pos + 3 * i + 2]) for i in range(nfields)]
    pos += 3 * nfields
    dev_size = 0
    if dev:
        ndev = buf[pos]
        dev_size = sum(buf[pos + 1 + 3 * i + 1] for i in range(ndev))
        pos += 1 + 3 * ndev
    if pos > len(buf):
        raise IndexError("definition past end of data")
    size = sum(f[1] for f in fields) + dev_size
    name_fields = WANTED.get(gnum, ("", {}))[1]
    fmt, chosen = _field_layout(fields, name_fields)
    ts_unpack, ts_offset, off = None, 0, 0
    for fnum, fsize, _btype in fields:
        if fnum == 253 and fsize == 4:
            ts_unpack, ts_offset = struct.Struct(endian + "I"), off
        off += fsize
    d = _Def(gnum, size, None, tuple(c[0] for c in chosen), tuple(c[2] for c in chosen), ts_unpack, ts_offset)
    if gnum == RECORD:
        d.dtype = _record_dtype(endian, chosen, size)
    elif gnum in WANTED:
        d.unpack = struct.Struct(endian + fmt + f"{dev_size}x")
    return d, pos


# ---------------------------------------------------------------- values


def _clean(base: int, value: Any) -> Any:
    invalid = _BASE[base][2]
    if isinstance(value, bytes):
        if base == 7:
            text = value.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
            return text or None
        return value
    if value == invalid or value != value:  # NaN check for floats
        return None
    return value


def _message_dict(d: _Def, values: tuple[Any, ...], ts: int | None) -> dict[str, Any]:
    spec = WANTED[d.gnum][1]
    scales = {v[0]: (v[1], v[2]) for v in spec.values()}
    out: dict[str, Any] = {}
    for name, base, value in zip(d.names, d.kinds, values, strict=True):
        value = _clean(base, value)
        if value is None:
            continue
        scale, offset = scales[name]
        numeric = (scale != 1 or offset) and not isinstance(value, bytes)
        out[name] = value / scale - offset if numeric else value
    if "timestamp" not in out and ts is not None:
        out["timestamp"] = ts
    return out


def _record_columns(defs: list[_Def], buf: bytes) -> dict[str, np.ndarray]:
    u8 = np.frombuffer(buf, dtype=np.uint8)
    spec = {v[0]: (v[1], v[2]) for v in WANTED[RECORD][1].values()}
    pieces: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    for d in defs:
        if not d.offsets or d.dtype is None:
            continue
        idx = np.asarray(d.offsets, dtype=np.int64)[:, None] + np.arange(d.size, dtype=np.int64)
        rows = np.ascontiguousarray(u8[idx]).view(d.dtype).reshape(-1)
        cols: dict[str, np.ndarray] = {"timestamp": np.asarray(d.times, dtype=np.float64)}
        for name, base in zip(d.names, d.kinds, strict=True):
            if name == "timestamp" or name not in (d.dtype.names or ()):
                continue
            raw = rows[name]
            if name == "compressed_speed_distance":
                cols.update(_compressed_speed_distance(raw))
                continue
            vals = raw.astype(np.float64)
            invalid = _BASE[base][2]
            if invalid is not None and invalid == invalid:
                vals[raw == invalid] = np.nan
            scale, offset = spec[name]
            cols[name] = vals / scale - offset
        pieces.append((np.asarray(d.seqs), cols))
    return _merge_record_pieces(pieces)


def _compressed_speed_distance(raw: np.ndarray) -> dict[str, np.ndarray]:
    """speed (12 bits, 1/100 m/s) and a rolling 12-bit distance (1/16 m) accumulated into metres."""
    if raw.ndim != 2 or raw.shape[1] != 3:
        return {}
    b = raw.astype(np.int64)
    valid = ~np.all(raw == 0xFF, axis=1)
    speed = (b[:, 0] | ((b[:, 1] & 0x0F) << 8)) / 100.0
    dist12 = (b[:, 1] >> 4) | (b[:, 2] << 4)
    steps = np.diff(dist12[valid], prepend=dist12[valid][:1]) % 4096 if valid.any() else np.zeros(0)
    dist = np.full(len(raw), np.nan)
    dist[valid] = np.cumsum(steps) / 16.0 + (dist12[valid][0] / 16.0 if valid.any() else 0.0)
    speed[~valid] = np.nan
    return {"speed": speed, "distance": dist}


def _merge_record_pieces(pieces: list[tuple[np.ndarray, dict[str, np.ndarray]]]) -> dict[str, np.ndarray]:
    if not pieces:
        return {}
    if len(pieces) == 1:
        return pieces[0][1]
    seq = np.concatenate([p[0] for p in pieces])
    names = {name for _, cols in pieces for name in cols}
    order = np.argsort(seq, kind="stable")
    merged: dict[str, np.ndarray] = {}
    for name in names:
        parts = [cols.get(name, np.full(len(s), np.nan)) for s, cols in pieces]
        merged[name] = np.concatenate(parts)[order]
    return merged


# ---------------------------------------------------------------- file walk


def _check_header(buf: bytes, start: int) -> tuple[int, int]:
    """Header size and end of data; raises corrupt/truncated failures."""
    if len(buf) - start < 12:
        raise ImportFailure(TRUNCATED, part="header")
    hsize = buf[start]
    if hsize not in (12, 14) or buf[start + 8 : start + 12] != b".FIT":
        raise ImportFailure(CORRUPT, reason="header")
    if len(buf) - start < hsize:  # a 14-byte header cut after its first 12 bytes
        raise ImportFailure(TRUNCATED, part="header")
    (data_size,) = struct.unpack_from("<I", buf, start + 4)
    end = start + hsize + data_size
    if hsize == 14:
        (hcrc,) = struct.unpack_from("<H", buf, start + 12)
        if hcrc not in (0, crc16(buf[start : start + 12])):
            raise ImportFailure(CORRUPT, reason="header")
    if end + 2 > len(buf):
        raise ImportFailure(TRUNCATED, part="data", missing_bytes=end + 2 - len(buf))
    return hsize, end


def _walk(buf: bytes, pos: int, end: int) -> FitPart:
    """Decode the data records between ``pos`` and ``end``."""
    defs: dict[int, _Def] = {}
    all_defs: list[_Def] = []
    messages: dict[str, list[dict[str, Any]]] = {}
    last_ts = 0
    seq = 0
    while pos < end:
        h = buf[pos]
        pos += 1
        if h & 0x80:
            d = defs[(h >> 5) & 0x03]
            offset = h & 0x1F
            last_ts = (last_ts & ~0x1F) + offset + (0x20 if offset < (last_ts & 0x1F) else 0)
        elif h & 0x40:
            d, pos = _parse_definition(buf, pos, bool(h & 0x20))
            defs[h & 0x0F] = d
            all_defs.append(d)
            continue
        else:
            d = defs[h & 0x0F]
            if d.ts_unpack is not None:
                (ts,) = d.ts_unpack.unpack_from(buf, pos + d.ts_offset)
                if ts != 0xFFFFFFFF:
                    last_ts = ts
        if d.dtype is not None:
            d.offsets.append(pos)
            d.times.append(last_ts)
            d.seqs.append(seq)
            seq += 1
        elif d.unpack is not None:
            msg = _message_dict(d, d.unpack.unpack_from(buf, pos), last_ts or None)
            messages.setdefault(WANTED[d.gnum][0], []).append(msg)
        pos += d.size
    if pos != end:
        raise IndexError("message crosses the end of data")
    return FitPart(messages, _record_columns([d for d in all_defs if d.gnum == RECORD], buf))


def _decode_part(buf: bytes, start: int) -> tuple[FitPart, int]:
    hsize, end = _check_header(buf, start)
    try:
        part = _walk(buf, start + hsize, end)
    except (IndexError, struct.error) as exc:
        raise ImportFailure(TRUNCATED, part="message") from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise ImportFailure(CORRUPT, reason="structure") from exc
    (stored,) = struct.unpack_from("<H", buf, end)
    if stored != crc16(memoryview(buf)[start:end]):
        raise ImportFailure(CORRUPT, reason="checksum")
    return part, end + 2


def decode(buf: bytes) -> FitStream:
    """Decode every chained FIT file in ``buf``; stops at the first bad part (kept as ``failure``)."""
    parts: list[FitPart] = []
    pos = 0
    while pos < len(buf):
        if not any(buf[pos:]):  # zero padding after the last file
            break
        try:
            part, pos = _decode_part(buf, pos)
        except ImportFailure as exc:
            return FitStream(parts, exc)
        parts.append(part)
    return FitStream(parts)


def fit_time(value: float | int | None) -> float | None:
    """Unix seconds from a FIT date_time (None for relative or missing times)."""
    if value is None or value < RELATIVE_TIME_LIMIT:
        return None
    return float(value) + FIT_EPOCH_S
