"""Schemathesis against the OpenAPI spec: generated requests to every REST operation find no server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from graph.access import create_token
from graph.store import Store
from seeds.demo import load_demo
from tests.conftest import LiveServer, connect, ensure_schema


@pytest.fixture(scope="module")
def live_api(embedded_server):
    name = "db_fuzz"
    embedded_server.ensure_database(name)
    settings = embedded_server.settings.model_copy(update={"db_name": name})
    db = connect(settings, embedded_server)
    ensure_schema(db)
    load_demo(Store(db))
    token = create_token(db, "fuzz-" + __import__("uuid").uuid4().hex[:8], "admin")
    with LiveServer(create_app(settings, db)) as base:
        yield base, token
    db.close()


def test_no_server_errors(live_api):
    base, token = live_api
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 14

    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text[:500])
            if case.path != "/api/v1/health":
                anonymous = case.call(base_url=base, timeout=60)
                assert anonymous.status_code in (401, 422), (case.formatted_path, anonymous.status_code)

        run()
