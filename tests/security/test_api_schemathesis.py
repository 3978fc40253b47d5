"""schemathesis against the OpenAPI schema, in-process through WSGI (issue 6, item 4).

Every operation of /api/v1/schema/ is called with generated requests (bounded: 25 examples per
operation, no deadline) as an official of commune A holding an API token, with data of communes A
and B in the database. No request may end in a server error. Path ids are generated freely, and
every operation is also called once with commune A's and once with commune B's real ids.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.pytest.plugin import SchemathesisFunction

from config.wsgi import application
from tests.security.conftest import World, build_world


def _load_schema():
    """The schema the portal serves at /api/v1/schema/, built in-process: the URL itself needs a signed-in
    user (issue 15), and there is no database to hold one when the tests are collected."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    loaded.location = "/api/v1/schema/"
    return loaded


schema = _load_schema()

REAL_IDS = {
    "plot": lambda objs: objs["plot"].pk,
    "record": lambda objs: objs["record"].pk,
    "scan": lambda objs: str(objs["scan"].pk),
    "flag": lambda objs: objs["flag"].pk,
    "report": lambda objs: objs["commune"].code,
}


@pytest.fixture
def api_world(db) -> World:
    """The data, and the WSGI app kept from closing the test's connection at the end of each request
    (as Django's own test client does): the test runs inside a transaction that must survive."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield build_world()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call(case, world: World):
    response = case.call_and_validate(
        headers={"Authorization": f"Token {world.tokens['token_a']}"},
        checks=[not_a_server_error],
    )
    assert response.status_code < 500


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_on_generated_requests(case, api_world):
    _call(case, api_world)
    # The same operation with real ids of commune A (reachable) and commune B (must be a clean 404).
    resource = case.operation.path.split("/")[3] if case.operation.path.count("/") > 3 else ""
    if "{" in case.operation.path:
        for objs in (api_world.a, api_world.b):
            key = resource.rstrip("s")
            if key in REAL_IDS and objs.get(key if key != "report" else "commune") is not None:
                for name in list(case.path_parameters or {}):
                    case.path_parameters[name] = REAL_IDS[key](objs)
                _call(case, api_world)


def test_every_operation_is_a_test_of_its_own(request):
    """Each operation has its own test id (tests/conftest.py), or a parallel run would test one of them."""
    ids = [item.nodeid for item in request.session.items if isinstance(item, SchemathesisFunction)]
    assert len(ids) == len(set(ids))
