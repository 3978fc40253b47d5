import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

# What starting made (modules, the app registry, settings) lives as long as the process: out of the
# cycle collector's sight, its full collections (one every few dozen requests) walk only what the
# requests made. Walking it all cost the province admin's plot list 80 ms at p95 (bench/plot_list.py).
gc.collect()
gc.freeze()
