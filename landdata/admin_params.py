"""Query-string values the admin hands to the database, checked first (issue 15, item 12).

The admin's add page takes initial values from the query string (`?plot=…`, `?working_group=…`):
an integer or a key out of a bigint's range reached SQLite as a parameter it cannot hold
(OverflowError, a 500). django-import-export's export page builds the change list from the query
string and lets an unknown filter (`?plot=` on a page without it) escape as a 500 too.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models

# What every database the portal runs on can hold in an integer column or key (a bigint).
MAX_ID = 2**63 - 1


def bounded_int(raw: object) -> int | None:
    """`raw` as an integer a bigint column can hold, or None (not a number, or out of range)."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if -MAX_ID <= value <= MAX_ID else None


def _integer_field(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    target = getattr(field, "target_field", field) if field.is_relation else field
    return isinstance(target, models.IntegerField | models.AutoField)


def safe_initial(model: type[models.Model], initial: dict) -> dict:
    """The add page's initial values without those an integer field could not look up: the form
    opens with that field empty instead of failing (many-to-many values are comma-separated)."""
    kept = {}
    for name, value in initial.items():
        if _integer_field(model, name) and isinstance(value, str):
            if any(bounded_int(part) is None for part in value.split(",") if part):
                continue
        kept[name] = value
    return kept
