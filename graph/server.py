"""The embedded database server: ArcadeDB from the ``arcadedb-embedded`` package, run as a child process.

ArcadeDB runs in its own JVM (the package bundles a JRE and the Bolt plugin), never inside the
Python process. It listens on 127.0.0.1 only: Bolt for the neo4j driver, HTTP for administration.
Everything it keeps lives under ``<data_dir>/arcadedb``: databases, the generated root password
(mode 0600), the pid file and the server log.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from kam.errors import PortInUse, ServerError
from kam.settings import Settings

__all__ = ["EmbeddedServer", "ServerStatus"]

MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str
    http_port: int
    data_dir: Path
    started_now: bool = False
    seconds: float = 0.0


def _package_dir() -> Path:
    try:
        import arcadedb_embedded
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ServerError("the arcadedb-embedded package is not installed (pip install arcadedb-embedded)") from exc
    return Path(arcadedb_embedded.__file__).resolve().parent


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to SIGTERM the server when the process that started it dies (no orphans)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.setsid()


class EmbeddedServer:
    """Start, find, wait for and stop the embedded ArcadeDB server for one data directory."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.data_dir).expanduser().resolve() / "arcadedb"
        self.pid_file = self.root / "server.pid"
        self.password_file = self.root / "root-password"
        self.log_file = self.root / "server.log"

    # ------------------------------------------------------------------ facts

    @property
    def bolt_uri(self) -> str:
        return f"bolt://{HOST}:{self.settings.bolt_port}"

    @property
    def user(self) -> str:
        return "root"

    def password(self) -> str:
        """The root password, generated on first use and kept in a file only its owner can read."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.password_file.exists():
            pw = secrets.token_urlsafe(24)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(pw)
        os.chmod(self.password_file, 0o600)
        return self.password_file.read_text().strip()

    def _is_ours(self, pid: int) -> bool:
        try:
            cmd = psutil.Process(pid).cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return False
        joined = " ".join(cmd)
        return MAIN_CLASS in joined and f"-Darcadedb.server.rootPath={self.root}" in cmd

    def running_pid(self) -> int | None:
        """The pid of this data directory's server, or None; a stale pid file is removed."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if psutil.pid_exists(pid) and self._is_ours(pid):
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    return pid
            except psutil.NoSuchProcess:
                pass
        self.pid_file.unlink(missing_ok=True)
        return None

    def status(self) -> ServerStatus:
        return ServerStatus(
            running=self.running_pid() is not None,
            pid=self.running_pid(),
            bolt_uri=self.bolt_uri,
            http_port=self.settings.http_port,
            data_dir=self.root,
        )

    # ------------------------------------------------------------------ start

    def command(self) -> list[str]:
        pkg = _package_dir()
        java = pkg / "jre" / "bin" / "java"
        if not java.exists():
            raise ServerError(f"the bundled Java runtime is missing at {java}; reinstall arcadedb-embedded")
        s = self.settings
        return [
            str(java),
            f"-Xmx{s.db_heap}",
            "-Djava.awt.headless=true",
            f"-Darcadedb.server.rootPath={self.root}",
            f"-Darcadedb.server.databaseDirectory={self.root / 'databases'}",
            *self._first_start_password(),
            f"-Darcadedb.server.plugins={BOLT_PLUGIN}",
            f"-Darcadedb.bolt.host={HOST}",
            f"-Darcadedb.bolt.port={s.bolt_port}",
            f"-Darcadedb.server.httpIncomingHost={HOST}",
            f"-Darcadedb.server.httpIncomingPort={s.http_port}",
            "-cp",
            str(pkg / "jars" / "*"),
            MAIN_CLASS,
        ]

    def _first_start_password(self) -> list[str]:
        """The root password goes on the command line only until the server has stored its users."""
        if (self.root / "config" / "server-users.jsonl").exists():
            return []
        return [f"-Darcadedb.server.rootPassword={self.password()}"]

    def start(self, attached: bool = False) -> ServerStatus:
        """Start the server unless it already runs; wait until Bolt answers; create the database.

        ``attached=True`` ties the server's life to this process (``kam serve``, tests): it is
        terminated by the kernel if this process dies, so no orphan is ever left behind.
        """
        t0 = time.monotonic()
        pid = self.running_pid()
        if pid is not None:
            self._wait_ready(pid, t0)
            self.ensure_database()
            return ServerStatus(True, pid, self.bolt_uri, self.settings.http_port, self.root, False,
                                time.monotonic() - t0)
        for port, what, setting in (
            (self.settings.bolt_port, "Bolt", "KAM_BOLT_PORT"),
            (self.settings.http_port, "database HTTP", "KAM_HTTP_PORT"),
        ):
            if not _port_free(port):
                raise PortInUse(port, what, setting)
        self.root.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab")
        try:
            proc = subprocess.Popen(
                self.command(),
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if attached and sys.platform == "linux" else None,
                start_new_session=not attached,
            )
        finally:
            log.close()
        self.pid_file.write_text(str(proc.pid))
        try:
            self._wait_ready(proc.pid, t0, proc)
            self.ensure_database()
        except BaseException:
            self.stop()
            raise
        return ServerStatus(True, proc.pid, self.bolt_uri, self.settings.http_port, self.root, True,
                            time.monotonic() - t0)

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def _wait_ready(self, pid: int, t0: float, proc: subprocess.Popen | None = None) -> None:
        deadline = t0 + self.settings.db_start_timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise ServerError(
                    f"the database server exited with code {proc.returncode} while starting; "
                    f"last lines of {self.log_file}:\n{self._log_tail()}"
                )
            if _port_open(self.settings.bolt_port) and self._http_ready():
                return
            time.sleep(0.1)
        raise ServerError(
            f"the database server (pid {pid}) did not answer on {self.bolt_uri} within "
            f"{self.settings.db_start_timeout:.0f} s (KAM_DB_START_TIMEOUT); last lines of {self.log_file}:\n"
            f"{self._log_tail()}"
        )

    # ------------------------------------------------------------------ HTTP administration

    def _http(self, method: str, path: str, body: dict | None = None) -> dict:
        url = f"http://{HOST}:{self.settings.http_port}{path}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        token = base64.b64encode(f"{self.user}:{self.password()}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else {}

    def _http_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.settings.http_port}/api/v1/ready", timeout=1) as r:
                return r.status == 204 or r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def databases(self) -> list[str]:
        return list(self._http("GET", "/api/v1/databases").get("result", []))

    def ensure_database(self, name: str | None = None) -> None:
        """Create the product's database (or the one named) if it does not exist yet."""
        name = name or self.settings.db_name
        try:
            if name not in self.databases():
                self._http("POST", "/api/v1/server", {"command": f"create database {name}"})
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise ServerError(f"could not create database {name!r}: HTTP {exc.code} {detail}") from exc

    # ------------------------------------------------------------------ stop

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``); True if one was running."""
        pid = self.running_pid()
        if pid is None:
            return False
        try:
            proc = psutil.Process(pid)
            proc.terminate()
            try:
                proc.wait(timeout)
            except psutil.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        except psutil.NoSuchProcess:
            pass
        self.pid_file.unlink(missing_ok=True)
        return True
