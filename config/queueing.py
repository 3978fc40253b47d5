"""Publishing a Celery task without letting a broker outage reach the user.

The data is always committed first; when Redis is down or frozen the publish
fails fast (settings: connection and socket timeouts) and the caller decides what
the user sees — a periodic sweep, or a clear "try again" state on the object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kombu.exceptions import KombuError

logger = logging.getLogger("portal.queueing")

# Broker unreachable or frozen. Not task errors: eager tests must still raise those.
BROKER_ERRORS = (KombuError, OSError)


def queue_safely(send: Callable[[], object], *, what: str, on_failure: Callable[[], None] | None = None) -> bool:
    try:
        send()
    except BROKER_ERRORS:
        logger.exception("could not queue %s", what)
        if on_failure is not None:
            on_failure()
        return False
    return True
