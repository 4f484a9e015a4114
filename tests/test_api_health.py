"""The health endpoint over real HTTP, against the real app and embedded database."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from kam.settings import Settings
from tests.conftest import LiveServer, free_port


def test_health_reports_a_reachable_database(embedded_server, embedded_db):
    with LiveServer(create_app(embedded_server.settings, embedded_db)) as base:
        r = httpx.get(base + "/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["database"]["reachable"] is True
    assert r.json()["database"]["backend"] == "arcadedb"


def test_health_reports_an_unreachable_database_as_503(tmp_path):
    settings = Settings(db="embedded", data_dir=tmp_path, bolt_port=free_port(), http_port=free_port())
    with LiveServer(create_app(settings)) as base:
        r = httpx.get(base + "/api/v1/health", timeout=30)
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "degraded" and body["database"]["reachable"] is False
    assert "Traceback" not in r.text


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_api_docs_are_served(embedded_server, embedded_db, path):
    with LiveServer(create_app(embedded_server.settings, embedded_db)) as base:
        assert httpx.get(base + path).status_code == 200
