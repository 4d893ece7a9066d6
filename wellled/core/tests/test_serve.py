"""`wellled serve`: the one command `make run` uses. Starts real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from wellled.core.management.commands.serve import ACCESS_LOG_FORMAT, web_command, worker_command
from wellled.core.tests.subprocess_env import free_port, subprocess_env

START_SECONDS = 60


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    # A zombie has exited. Celery's embedded scheduler can end as one when its
    # worker exits first, and a container's init may never reap it.
    return "State:\tZ" not in status


@contextmanager
def _serve(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "wellled.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while "wellled is running at" not in log.read_text():
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _stop(process: subprocess.Popen[bytes], sig: int) -> int:
    process.send_signal(sig)
    return process.wait(timeout=40)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_runs_the_site_and_a_worker_and_stops_both(tmp_path: Path, sig: int) -> None:
    env, port, log = subprocess_env(tmp_path), free_port(), tmp_path / "serve.log"
    with _serve(env, port, log) as process:
        assert f"wellled is running at http://127.0.0.1:{port}/" in log.read_text()
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/accessibility/?name=Zo%C3%AB", timeout=30
        ) as response:
            assert response.status == 200
            assert "Accessibility statement" in response.read().decode()
        children = _children(process.pid)
        grandchildren = [pid for child in children for pid in _children(child)]
        # The web server with its 2 workers, and the background worker.
        assert len(children) == 2
        assert len(grandchildren) >= 2
        names = {
            pid: Path(f"/proc/{pid}/cmdline").read_bytes()[:150] for pid in children + grandchildren
        }
        deadline = time.monotonic() + START_SECONDS
        while "celery@" not in log.read_text() or "beat: Starting" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert _stop(process, sig) == 0, log.read_text()
    output = log.read_text()
    assert "wellled has stopped." in output
    assert not [names[pid] for pid in children + grandchildren if _alive(pid)]
    # The access log names the request but never the client's address or the query.
    (line,) = [line for line in output.splitlines() if "GET /accessibility/" in line]
    assert "127.0.0.1" not in line
    assert "Zo" not in line
    assert "request=" in line


@pytest.mark.django_db(transaction=True)
def test_with_an_external_broker_serve_runs_only_the_web_server(tmp_path: Path) -> None:
    env, port, log = subprocess_env(tmp_path), free_port(), tmp_path / "serve.log"
    # Nothing listens there: serve must not need the broker to start.
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    with _serve(env, port, log) as process:
        output = log.read_text()
        assert "run `celery -A wellled worker` and `celery -A wellled beat` separately" in output
        assert "redis://" not in output
        assert len(_children(process.pid)) == 1
        assert _stop(process, signal.SIGTERM) == 0
    assert "celery@" not in log.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_port_in_use_is_explained(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "wellled.cli", "serve", "--port", str(port)],
            env=subprocess_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"Something is already listening on 127.0.0.1:{port}" in result.stderr
    assert "wellled is running" not in result.stdout


def test_the_web_server_logs_no_client_address() -> None:
    command = web_command("127.0.0.1", 8000, 2)
    assert command[command.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    for atom in ("%(h)s", "%(r)s", "%(q)s", "%(a)s", "%(f)s", "{x-forwarded-for}"):
        assert atom not in ACCESS_LOG_FORMAT
    assert command[command.index("--workers") + 1] == "2"


def test_the_embedded_worker_runs_the_scheduler_too() -> None:
    command = worker_command()
    assert command[command.index("-A") + 1] == "wellled"
    assert "--beat" in command


def _get(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/accessibility/", timeout=30) as response:
        return int(response.status)


def _worker_pid(serve_pid: int) -> int | None:
    for pid in _children(serve_pid):
        if b"celery" in Path(f"/proc/{pid}/cmdline").read_bytes() and _alive(pid):
            return pid
    return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_restarted_and_the_site_stays_up(tmp_path: Path) -> None:
    """The background worker is killed (out of memory, say): the site carries on."""
    env, port, log = subprocess_env(tmp_path), free_port(), tmp_path / "serve.log"
    with _serve(env, port, log) as process:
        first = _worker_pid(process.pid)
        assert first is not None
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + START_SECONDS
        replacement = _worker_pid(process.pid)
        while replacement in (None, first):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
            replacement = _worker_pid(process.pid)
        # The web server was never stopped: the same process answers.
        assert process.poll() is None
        assert _get(port) == 200
        assert "The background worker stopped (exit code -9)" in log.read_text()
        assert _stop(process, signal.SIGTERM) == 0, log.read_text()
    assert replacement is not None
    assert not _alive(replacement)
