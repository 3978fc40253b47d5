"""How fast the machine was while a benchmark ran.

The goals are judged "on a quiet machine", and this workplace's machines of one kind differ by 3x in
speed and move by a fifth within minutes. So each benchmark prints, before and after its run, how long
this process takes for a plain Python loop: a figure is read against the machine it came from.
"""

from __future__ import annotations

import time

# The loop below on a quiet machine of this kind (2 cores), as earlier stops measured it.
QUIET_SECONDS = 0.52
# At module level, as `python3 -c` runs it (globals, not a function's locals: about twice as slow).
LOOP = "total = 0\nfor i in range(10_000_000):\n    total += i\n"


def loop_seconds() -> float:
    """Seconds for 10 million additions in a plain loop (one core, the interpreter only)."""
    code = compile(LOOP, "<machine>", "exec")
    start = time.perf_counter()
    exec(code, {})  # noqa: S102 - a constant loop, timed
    return time.perf_counter() - start


def machine_line(when: str) -> str:
    seconds = loop_seconds()
    return (
        f"machine {when}: 10 million additions in {seconds:.2f} s "
        f"({seconds / QUIET_SECONDS:.1f}x the {QUIET_SECONDS:.2f} s of a quiet machine)"
    )
