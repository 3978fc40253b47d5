import pytest
from django.core.cache import cache

from tests.reports.campaign import build_campaign


@pytest.fixture(autouse=True)
def _fresh_report_cache():
    """Dashboards keep figures for a minute; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(db):
    return build_campaign()
