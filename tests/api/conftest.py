"""The API tests use the report tests' campaign and their fresh report cache."""

from tests.reports.conftest import _fresh_report_cache, campaign  # noqa: F401  (fixtures)
