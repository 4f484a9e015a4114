"""One settings object, read once from the environment (prefix ``KAM_``; Neo4j keeps its own names)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kam"


class Settings(BaseSettings):
    """Every knob of the product. Each field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="KAM_", extra="ignore")

    db: Literal["embedded", "neo4j"] = Field(
        "embedded", description="Which graph server to use: the embedded ArcadeDB server or an external Neo4j 5."
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the embedded server keeps its data, password file, pid file and log.",
    )
    db_name: str = Field("kam", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$", description="Database name on the embedded server.")
    bolt_port: int = Field(7688, ge=1, le=65535, description="Bolt port of the embedded server (127.0.0.1 only).")
    http_port: int = Field(2481, ge=1, le=65535, description="HTTP admin port of the embedded server (127.0.0.1 only).")
    db_heap: str = Field("2g", pattern=r"^\d+[mMgG]$", description="Java heap of the embedded server, e.g. 2g or 512m.")
    db_start_timeout: float = Field(90.0, gt=0, description="Seconds to wait for the embedded server to answer on Bolt.")
    batch_size: int = Field(2000, ge=1, le=100_000, description="Rows per UNWIND batch in bulk upserts.")

    api_host: str = Field("127.0.0.1", description="Address `kam serve` listens on.")
    api_port: int = Field(8000, ge=1, le=65535, description="Port `kam serve` listens on.")

    graphql_introspection: bool = Field(True, description="Allow GraphQL introspection (GraphiQL needs it).")
    max_query_depth: int = Field(12, ge=2, le=50, description="Deepest GraphQL query accepted.")
    max_aliases: int = Field(30, ge=1, le=1000, description="Most aliases in one GraphQL document, fragments included.")
    max_tokens: int = Field(5000, ge=100, le=100_000, description="Most tokens in one GraphQL document.")
    max_body_bytes: int = Field(1_000_000, ge=1000, description="Largest request body accepted, in bytes.")
    public_docs: bool = Field(True, description="Serve /docs, /openapi.json and the GraphiQL page without a token (they hold no data).")

    neo4j_uri: str | None = Field(None, validation_alias=AliasChoices("NEO4J_URI", "KAM_NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "KAM_NEO4J_USER"))
    neo4j_password: str | None = Field(None, validation_alias=AliasChoices("NEO4J_PASSWORD", "KAM_NEO4J_PASSWORD"))
    neo4j_database: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "KAM_NEO4J_DATABASE"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
