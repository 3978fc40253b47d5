"""PostgreSQL COPY text, built a column at a time.

psycopg's `Copy.write_row` formats each value of each row in turn, about 3 µs a row here:
seconds at province size, on the one core Python has. The rows of an import are few types
(text, integers, decimals, dates, NULL) and their columns repeat values, so each column is
turned into COPY text at once — `str` mapped over integers and decimals, each distinct date or
text written once, escaping only in a column that needs it — and the lines are joined by C code.
The format is the one of the manual ("COPY … FROM STDIN", text format): tab between fields,
`\\N` for NULL, backslash escapes for backslash, tab, newline and carriage return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from psycopg.copy import QueuedLibpqWriter

NULL = "\\N"
CHUNK_ROWS = 20_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = ("\\", "\t", "\n", "\r")
# Types whose equal values are written alike (1 == True, and Decimal("1.0") == Decimal("1.00"), are not).
_BY_DISTINCT_VALUE = frozenset({str, int, dt.date, type(None)})


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


def _one(value: object) -> str:
    if value is None:
        return NULL
    if value.__class__ is str:
        return _text(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"no COPY text for {type(value).__name__}")


def column_text(column: Sequence[object]) -> Sequence[str]:
    """Every value of a column as COPY text."""
    kinds = set(map(type, column))
    if kinds == {str}:
        joined = "".join(column)  # type: ignore[arg-type]
        if any(special in joined for special in _SPECIAL):
            return [_text(value) for value in column]  # type: ignore[arg-type]
        return column  # type: ignore[return-value]
    if kinds <= {int, Decimal}:
        return list(map(str, column))
    if kinds <= _BY_DISTINCT_VALUE:
        of = {value: _one(value) for value in set(column)}
        return list(map(of.__getitem__, column))
    return [_one(value) for value in column]


def copy_text(columns: Iterable[Sequence[object]]) -> str:
    """The COPY text of rows given as columns (all of the same length, at least one row)."""
    return "\n".join(map("\t".join, zip(*map(column_text, columns)))) + "\n"


def copy_columns(raw_cursor, statement: str, columns: Sequence[Sequence[object]]) -> None:
    """COPY rows given as columns through a psycopg cursor (`statement`: COPY … FROM STDIN).

    The text goes CHUNK_ROWS rows at a time through psycopg's queued writer: a thread of its own
    sends each chunk (waiting on the socket frees the interpreter) while this one writes the next,
    so the server parses and stores the rows on the other core meanwhile.
    """
    if not columns or not len(columns[0]):
        return
    count = len(columns[0])
    with raw_cursor.copy(statement, writer=QueuedLibpqWriter(raw_cursor)) as copy:
        for start in range(0, count, CHUNK_ROWS):
            copy.write(copy_text([column[start : start + CHUNK_ROWS] for column in columns]))
