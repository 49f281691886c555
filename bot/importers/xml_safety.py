"""Safe XML parsing for GPX/TCX: no DTDs, no entity expansion, no external entities (defusedxml)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import CORRUPT, UNSAFE_XML, ImportFailure


def parse_xml(data: bytes, fmt: str) -> Element:
    """Root element of ``data``; billion-laughs/external entities -> unsafe_xml, broken XML -> corrupt."""
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return root
    except DefusedXmlException as exc:
        raise ImportFailure(UNSAFE_XML, format=fmt) from exc
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ImportFailure(CORRUPT, format=fmt, reason="xml", line=line) from exc


def local(tag: str | object) -> str:
    """Tag name without its namespace."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def root_name(data: bytes) -> str | None:
    """Local name of the root element, read cheaply from the start of the document (for sniffing)."""
    head = data[:4096].decode("utf-8", "ignore")
    for chunk in head.split("<")[1:]:
        if chunk[:1] in ("?", "!"):
            continue
        name = chunk.split(None, 1)[0].rstrip(">/") if chunk.strip() else ""
        return name.split(":")[-1] or None
    return None
