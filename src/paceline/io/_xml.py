"""Text of an XML file as bulk exports really write it (shared by the GPX and TCX readers).

Rule (docs/log.md, "Cleaning at import"): the byte-order mark (UTF-8, UTF-16 LE/BE) selects the
encoding, then anything before the first ``<`` that is whitespace or a stray BOM character is
removed. The XML spec forbids text before ``<?xml``, but Strava's bulk export and other tools
write spaces or a blank line there, and every reader then refused the whole file.
"""

from __future__ import annotations

import codecs

__all__ = ["xml_text"]

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def xml_text(raw: bytes) -> str:
    """Decode XML bytes and drop whitespace/BOMs before the first ``<``.

    Raises
    ------
    UnicodeDecodeError
        The bytes are not text in the encoding their BOM (default UTF-8) names.
    """
    enc = "utf-8"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raw, enc = raw[len(bom):], name
            break
    text = raw.decode(enc)
    return text.lstrip(" \t\r\n\ufeff\u00a0")
