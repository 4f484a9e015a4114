"""The embedded server manager and the `kam db` / `kam serve` commands, as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from graph.server import EmbeddedServer
from kam.errors import PortInUse
from tests.conftest import embedded_settings, free_port

KAM = [sys.executable, "-m", "kam.cli"]


def _env(settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KAM_DATA_DIR=str(settings.data_dir),
        KAM_BOLT_PORT=str(settings.bolt_port),
        KAM_HTTP_PORT=str(settings.http_port),
        KAM_DB_HEAP="512m",
        KAM_DB="embedded",
    )
    return env


def test_busy_port_is_refused_with_a_clear_message(tmp_path):
    settings = embedded_settings(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", settings.bolt_port))
        busy.listen()
        with pytest.raises(PortInUse, match=f"port {settings.bolt_port} on 127.0.0.1 \\(Bolt\\).*KAM_BOLT_PORT"):
            EmbeddedServer(settings).start()
    assert not EmbeddedServer(settings).pid_file.exists()


def test_stale_pid_file_is_detected(tmp_path):
    server = EmbeddedServer(embedded_settings(tmp_path))
    server.root.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    server.pid_file.write_text(str(dead.pid))
    assert server.running_pid() is None
    assert not server.pid_file.exists()
    server.pid_file.write_text(str(os.getpid()))  # alive, but not a database server of this directory
    assert server.running_pid() is None


def test_password_file_is_private(embedded_server):
    mode = stat.S_IMODE(embedded_server.password_file.stat().st_mode)
    assert mode == 0o600
    assert len(embedded_server.password()) >= 24


def test_db_start_status_stop_leaves_no_process(tmp_path):
    settings = embedded_settings(tmp_path)
    env = _env(settings)
    out = subprocess.run([*KAM, "db", "start"], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert "database server started" in out.stdout
    server = EmbeddedServer(settings)
    pid = server.running_pid()
    assert pid is not None and psutil.pid_exists(pid)

    again = subprocess.run([*KAM, "db", "start"], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "already running" in again.stdout
    assert server.running_pid() == pid

    status = subprocess.run([*KAM, "db", "status"], env=env, capture_output=True, text=True, timeout=120)
    assert status.returncode == 0 and "ArcadeDB" in status.stdout and "Stakeholder" in status.stdout

    stop = subprocess.run([*KAM, "db", "stop"], env=env, capture_output=True, text=True, timeout=120)
    assert stop.returncode == 0 and "stopped" in stop.stdout
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not server.pid_file.exists()
    for port in (settings.bolt_port, settings.http_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0

    down = subprocess.run([*KAM, "db", "status"], env=env, capture_output=True, text=True, timeout=120)
    assert down.returncode == 1 and "no" in down.stdout


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_serve_starts_the_database_reports_health_and_stops_it(tmp_path):
    settings = embedded_settings(tmp_path)
    port = free_port()
    proc = subprocess.Popen(
        [*KAM, "serve", "--port", str(port)], env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 180
        status, body = 0, {}
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/api/v1/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.3)
        assert status == 200, body
        assert body["database"] == {
            "reachable": True, "kind": "embedded", "backend": "arcadedb", "server": body["database"]["server"]
        }
        db_pid = EmbeddedServer(settings).running_pid()
        assert db_pid is not None
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert "database server stopped" in out
    assert not psutil.pid_exists(db_pid) or psutil.Process(db_pid).status() == psutil.STATUS_ZOMBIE


def test_killed_parent_leaves_no_orphan_server(tmp_path):
    """`kam serve` killed with SIGKILL cannot clean up; the kernel still takes its database server down."""
    settings = embedded_settings(tmp_path)
    port = free_port()
    proc = subprocess.Popen([*KAM, "serve", "--port", str(port)], env=_env(settings),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = EmbeddedServer(settings)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and server.running_pid() is None:
        time.sleep(0.2)
    db_pid = server.running_pid()
    assert db_pid is not None
    proc.kill()
    proc.wait(30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and psutil.pid_exists(db_pid) and psutil.Process(db_pid).status() != psutil.STATUS_ZOMBIE:
        time.sleep(0.2)
    assert not psutil.pid_exists(db_pid) or psutil.Process(db_pid).status() == psutil.STATUS_ZOMBIE
    assert server.running_pid() is None  # and the stale pid file is recognised as such


def test_cli_help_explains_each_command():
    out = subprocess.run([*KAM, "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    for cmd in ("db", "serve"):
        assert cmd in out.stdout
    db_help = subprocess.run([*KAM, "db", "--help"], capture_output=True, text=True, timeout=60).stdout
    for cmd in ("start", "stop", "status"):
        assert cmd in db_help
