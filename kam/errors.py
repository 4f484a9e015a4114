"""Domain errors, raised in graph/ and scoring/ and translated once at the edge (CLI, REST, GraphQL)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (row, field) and why."""

    field: str
    message: str
    row: int | None = None
    value: object = None

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class KamError(Exception):
    """Base of every error the product raises on purpose."""


class NotFound(KamError):
    def __init__(self, label: str, id: str):
        self.label, self.id = label, id
        super().__init__(f"{label} {id!r} does not exist")


class InvalidInput(KamError):
    """Input that failed validation; nothing was written."""

    def __init__(self, problems: list[Problem], what: str = "input"):
        self.problems = problems
        lines = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"invalid {what}, nothing was written: {lines}{more}")

    @classmethod
    def from_validation_error(cls, exc: ValidationError, row: int | None = None, what: str = "input") -> "InvalidInput":
        return cls(problems_from_validation_error(exc, row), what)


class Forbidden(KamError):
    """The caller's role does not allow this read or write."""


class GateBlocked(KamError):
    """A stage gate is not met; ``missing`` lists every missing item (code, kind, en, zh)."""

    def __init__(self, deal_id: str, target: str, missing: list):
        self.deal_id, self.target, self.missing = deal_id, target, missing
        super().__init__(f"deal {deal_id!r} cannot enter {target}: " + "; ".join(f"{m.code} ({m.en})" for m in missing))


class Conflict(KamError):
    """The write is valid but the current state of the graph forbids it."""


class ServerError(KamError):
    """The embedded database server could not be started, reached or stopped."""


class PortInUse(ServerError):
    def __init__(self, port: int, what: str, setting: str):
        self.port = port
        super().__init__(
            f"port {port} on 127.0.0.1 ({what}) is already in use by another process; "
            f"stop that process or choose another port with {setting}"
        )


def problems_from_validation_error(exc: ValidationError, row: int | None = None) -> list[Problem]:
    """Turn pydantic's errors into problems that name the field and, for scales, the allowed range."""
    out = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or str((err.get("ctx") or {}).get("field", "(row)"))
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "is required"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known field"
        out.append(Problem(field=field, message=msg, row=row, value=err.get("input")))
    return out
