"""No Docker engine runs here, so the production wiring is checked by reading the files."""

from __future__ import annotations

from pathlib import Path

import yaml

from kam.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_compose_wires_the_api_to_neo4j():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert neo4j["image"].startswith("neo4j:5")
    assert "healthcheck" in neo4j and "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert any(v.startswith("neo4j-data:") for v in neo4j["volumes"]) and "neo4j-data" in compose["volumes"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["KAM_DB"] == "neo4j"
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["NEO4J_PASSWORD"] == neo4j["environment"]["NEO4J_AUTH"].split("/", 1)[1]
    # The API reads exactly these variables.
    import os

    old = dict(os.environ)
    try:
        os.environ.update({k: str(v) for k, v in env.items() if "$" not in str(v)})
        os.environ["NEO4J_PASSWORD"] = "pw"
        s = Settings()
        assert (s.db, s.neo4j_uri, s.neo4j_user, s.neo4j_password, s.neo4j_database) == (
            "neo4j", "bolt://neo4j:7687", "neo4j", "pw", "neo4j")
        assert s.api_host == "0.0.0.0" and s.api_port == 8000
    finally:
        os.environ.clear()
        os.environ.update(old)


def test_dockerfile_builds_the_api_for_neo4j():
    text = (ROOT / "Dockerfile").read_text()
    assert "pip install" in text and 'CMD ["kam", "serve"]' in text and "KAM_DB=neo4j" in text
    for package in ("kam", "graph", "api", "scoring", "seeds"):
        assert f"COPY {package} ./{package}" in text
