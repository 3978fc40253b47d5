"""Loading many rows at once into indexed PostgreSQL tables.

Keeping an index up to date row by row costs several times more than building it
once over all the rows, and a deferred foreign key costs one trigger call per
inserted row at commit where re-adding the constraint checks every row in one
join (PostgreSQL manual, "Populating a Database"). At province size this is most
of an import's write time (bench/import_registry.py prints both).

`indexes_rebuilt_after` therefore drops the secondary indexes, unique and foreign
key constraints of some tables inside the caller's transaction and recreates them
from their catalogue definitions (so they stay exactly those of the migrations)
before the transaction ends. Recreating a unique or foreign key constraint
validates every row, so a load that broke one still fails and rolls back whole.
Primary keys are kept: other tables' foreign keys depend on them.

The price: DROP INDEX locks the tables (ACCESS EXCLUSIVE) until commit, so readers
wait for the rest of the import, a few seconds. That is why it is only worth it
when the rows written are many compared to those already there
(`worth_rebuilding`), as in the first import of a province. And when a long
transaction (an export, a report) is reading the tables, the import does not queue
for them, stalling every page behind it: after `LOCK_WAIT` it keeps the indexes
and writes the slower way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import OperationalError, transaction

# Below this many new rows, maintaining the indexes as rows arrive is cheap enough.
MIN_ROWS = 20_000
# Rebuilding costs about (existing + new rows) x build cost; maintaining costs about
# new rows x 3 build costs (measured on land users: 12 µs against 4 µs per row),
# so a rebuild pays for itself once the new rows are about half of those already there.
MIN_SHARE_OF_EXISTING = 0.5
# How long to wait for other transactions to release the tables before giving up rebuilding.
LOCK_WAIT = "5s"
_LOCK_NOT_AVAILABLE = "55P03"

_SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
ORDER BY 1
"""
# Unique constraints first, then foreign keys (contype 'u' > 'f'); a unique constraint
# that some foreign key relies on stays, as the primary keys do.
_CONSTRAINTS = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
  AND NOT (c.contype = 'u' AND EXISTS (
      SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid))
ORDER BY c.contype DESC, 1, 2
"""


def worth_rebuilding(*, new_rows: int, existing_rows: int) -> bool:
    """Whether writing `new_rows` beside `existing_rows` is cheaper with indexes rebuilt afterwards."""
    return new_rows >= MIN_ROWS and new_rows >= existing_rows * MIN_SHARE_OF_EXISTING


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _run_deferred_checks(cursor) -> None:
    """Run the foreign-key checks queued so far (deletes, earlier inserts) now rather than at
    commit: PostgreSQL refuses to ALTER a table with such pending trigger events. Django's
    foreign keys are all INITIALLY DEFERRED, so switching back to DEFERRED restores them."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _locked(cursor, tables: Sequence[str]) -> bool:
    """Take the tables for this transaction, or False if others still hold them after LOCK_WAIT."""
    cursor.execute("SELECT current_setting('lock_timeout')")
    (previous,) = cursor.fetchone()
    try:
        with transaction.atomic(using=cursor.db.alias):  # a savepoint: a timeout undoes only this
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
            cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
            raise
        return False
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return True


@contextmanager
def indexes_rebuilt_after(cursor, tables: Sequence[str], *, enabled: bool = True) -> Iterator[bool]:
    """Within a transaction: drop the tables' secondary indexes and constraints, run the body,
    recreate them. Yields whether it did (PostgreSQL only, only when `enabled` and the tables
    could be locked within LOCK_WAIT)."""
    if not enabled or cursor.db.vendor != "postgresql":
        yield False
        return
    if not cursor.db.in_atomic_block:  # outside a transaction a failure would leave the tables bare
        raise RuntimeError("indexes_rebuilt_after must run inside transaction.atomic()")
    if not _locked(cursor, tables):
        yield False
        return
    _run_deferred_checks(cursor)
    cursor.execute(_SECONDARY_INDEXES, [list(tables)])
    indexes = cursor.fetchall()
    cursor.execute(_CONSTRAINTS, [list(tables)])
    constraints = cursor.fetchall()
    for table, name, _definition in reversed(constraints):  # foreign keys before the unique ones
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quoted(name)}")
    for index, _definition in indexes:
        cursor.execute(f"DROP INDEX {index}")
    yield True
    _run_deferred_checks(cursor)
    # More memory for the sorts of the index builds, for this transaction only.
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _index, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in constraints:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quoted(name)} {definition}")
