import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

# What starting made (modules, the app registry, settings) lives as long as the process: out of the
# cycle collector's sight, its full collections (one every few dozen requests) walk only what the
# requests made. Walking it all cost the province admin's plot list 80 ms at p95 (bench/plot_list.py).
gc.collect()
gc.freeze()

# The first requests load more that lives as long: the database driver, the views the URL conf
# imports, compiled templates, translation catalogs (some 50,000 objects, a full collection of
# 30-50 ms every dozen plot-list pages). Frozen too, after each of the first few requests: freezing
# costs nothing, and all it keeps from collection is the cycles those few requests left behind.
FREEZE_AFTER_REQUESTS = 10
_requests_left = FREEZE_AFTER_REQUESTS


def _freeze_what_early_requests_loaded(**_kwargs) -> None:
    global _requests_left
    gc.freeze()
    _requests_left -= 1
    if _requests_left <= 0:
        request_finished.disconnect(_freeze_what_early_requests_loaded)


request_finished.connect(_freeze_what_early_requests_loaded)
