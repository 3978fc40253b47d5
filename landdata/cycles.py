"""Pausing Python's cycle collector around bulk work that makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Bulk work (an import, a matching chunk) keeps many thousands of tuples, rows and dataclasses
    alive until it ends, and each collection of the older generations walks them all again: a fifth
    to a quarter of the CPU of an import's row loop or of a matching chunk in a process that has not
    frozen its start-up objects. Reference counting still frees everything; a cycle made meanwhile
    waits for the next collection after the pause. Nested pauses leave the collector as they found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
