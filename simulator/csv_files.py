"""Read CSV bytes as Excel saves them, and write CSV that is safe to open."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.limits import MAX_CSV_BYTES

# Letters a Polish (cp1250) or Western (cp1252) file plausibly contains, compared
# only where the two code pages decode a byte differently.
_POLISH = frozenset("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_WESTERN = frozenset("àâäçèêëîïñôùûüÿÀÂÄÇÈÊËÎÏÑÔÙÛÜ")
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CsvRejected(ValueError):
    """Reject a whole file: ``reason`` is a short code, ``params`` plain values.

    Reasons: ``empty`` (also a file whose cells are all blank), ``binary``,
    ``too-large`` (``max_bytes``), ``too-many-rows`` (``max_rows``, ``rows``),
    ``no-email-column`` (``columns``), ``encoding``, ``malformed`` (``line``: the
    file's line where the csv module gave up, e.g. a cell over its 128 KiB field
    limit or a quote left open), ``bad-action`` (``action``, ``allowed``). Nothing
    was changed.
    """

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason, params)
        self.reason = reason
        self.params: dict[str, Any] = params


@dataclass(frozen=True)
class CsvText:
    """Decoded CSV text and how it was read."""

    text: str
    encoding: str
    delimiter: str


def _pick_single_byte(data: bytes) -> tuple[str, str]:
    candidates: dict[str, str] = {}
    for encoding in ("cp1250", "cp1252"):
        try:
            candidates[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise CsvRejected("encoding")
    if len(candidates) == 1:
        [(encoding, text)] = candidates.items()
        return text, encoding
    central, western = candidates["cp1250"], candidates["cp1252"]
    polish = sum(
        1 for a, b in zip(central, western, strict=True) if a != b and a in _POLISH
    )
    dutch = sum(
        1 for a, b in zip(central, western, strict=True) if a != b and b in _WESTERN
    )
    # A tie goes to cp1250: "ę" reads as "ê" in cp1252, and Polish files are the
    # ones a wrong guess would ruin.
    if dutch > polish:
        return western, "cp1252"
    return central, "cp1250"


def decode_csv(data: bytes) -> CsvText:
    """Decode an uploaded CSV file and find its delimiter.

    UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1250 or cp1252, as Excel
    saves them in Poland and the Netherlands.

    :raise CsvRejected: empty, too large, binary or undecodable.
    """
    if len(data) > MAX_CSV_BYTES:
        raise CsvRejected("too-large", max_bytes=MAX_CSV_BYTES, size=len(data))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise CsvRejected("encoding") from error
    elif b"\x00" in data:
        raise CsvRejected("binary")
    elif data.startswith(codecs.BOM_UTF8):
        try:
            text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise CsvRejected("encoding") from error
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _pick_single_byte(data)
    text = text.lstrip("\ufeff")
    if any(ch in _CONTROL for ch in text):
        raise CsvRejected("binary")
    if not text.strip():
        raise CsvRejected("empty")
    return CsvText(text, encoding, _delimiter(text))


def _delimiter(text: str) -> str:
    header = text.lstrip().splitlines()[0]
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(csv_text: CsvText) -> list[list[str]]:
    """Return the records of the file, header first, blank lines as empty lists.

    :raise CsvRejected: ``malformed`` for anything the csv module refuses.
    """
    reader = csv.reader(
        io.StringIO(csv_text.text, newline=""), delimiter=csv_text.delimiter
    )
    try:
        return [list(row) for row in reader]
    except csv.Error as error:
        raise CsvRejected("malformed", line=reader.line_num) from error


def escape_cell(value: object) -> str:
    """Return a cell a spreadsheet will not run as a formula (prefix ``'``)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(rows: Sequence[Sequence[object]], *, delimiter: str = ",") -> str:
    """Return CSV text (comma unless told, CRLF), every cell escaped against formulas.

    Excel in a locale whose decimal separator is a comma (nl, pl) expects
    ``delimiter=";"``.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()
