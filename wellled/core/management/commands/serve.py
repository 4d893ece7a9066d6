from __future__ import annotations

import errno
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# No %(h)s (the client's address) and no query string (%(q)s, or %(r)s, which
# includes it): searches can carry names. The request id joins a line to the
# application's own log lines and to the audit trail.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request=%({x-request-id}o)s'

READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20


def uses_embedded_broker() -> bool:
    return bool(settings.CELERY_BROKER_URL == "filesystem://")


def default_web_workers() -> int:
    return min(3, max(2, os.cpu_count() or 2))


def web_command(host: str, port: int, workers: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if os.name == "posix" and importlib.util.find_spec("gunicorn") is not None:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "wellled.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            "-",
            "--graceful-timeout",
            str(STOP_TIMEOUT_SECONDS - 5),
            # Nothing uses gunicorn's control socket; it would live in $HOME and
            # two instances on one machine would contend for it.
            "--no-control-socket",
        ]
    # Without gunicorn (Windows): Django's threaded server, whose request log
    # ("django.server") the settings silence because it prints client addresses.
    return [sys.executable, "-m", "wellled.cli", "runserver", bind, "--noreload"]


def worker_command() -> list[str]:
    """The worker `serve` starts for the embedded queue, with the scheduler inside it."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wellled",
        # No banner, so that the demo logins printed before it stay on screen.
        "--quiet",
        "worker",
        # The schedule file is CELERY_BEAT_SCHEDULE_FILENAME, under var/.
        "--beat",
        # Threads, so that one long job does not hold up the next.
        "--pool",
        "threads",
        "--concurrency",
        "2",
        # The filesystem transport has no use for cluster chatter.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]


class WorkerKeeper:
    """Restarts the embedded background worker whenever it stops.

    A worker can die (killed, out of memory); the web server must not go with it.
    Restarts back off from one second to a minute while the worker keeps dying
    at once, so a worker that cannot start does not spin. The jobs it was running
    are recovered by the heartbeat check once a worker runs again.
    """

    MAX_DELAY_SECONDS = 60.0
    # A worker that ran this long before it stopped is restarted at once.
    HEALTHY_AFTER_SECONDS = 60.0

    def __init__(
        self, start: Callable[[], subprocess.Popen[bytes]], say: Callable[[str], None]
    ) -> None:
        self._start = start
        self._say = say
        self.process = start()
        self.restarts = 0
        self._started_at = time.monotonic()
        self._delay = 0.0
        self._restart_at: float | None = None

    def check(self) -> None:
        """Call often: notices a stopped worker, and restarts it when its delay is up."""
        now = time.monotonic()
        if self._restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            # Its scheduler, orphaned in its process group, would otherwise run
            # beside the new worker's.
            _signal_group(self.process, _KILL, quiet=True)
            lived = now - self._started_at
            if lived >= self.HEALTHY_AFTER_SECONDS:
                self._delay = 0.0
            else:
                self._delay = min(self.MAX_DELAY_SECONDS, max(1.0, self._delay * 2))
            self._restart_at = now + self._delay
            self._say(
                f"The background worker stopped (exit code {code}); "
                f"starting it again in {self._delay:.0f} s. The site carries on."
            )
        if now >= self._restart_at:
            self.process = self._start()
            self._started_at = now
            self._restart_at = None
            self.restarts += 1


def _bind_problem(host: str, port: int) -> str | None:
    """Why the web server could not listen on host:port, or None if it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # As the server itself will, so that a port in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                # Otherwise the readiness check would find the other program.
                return (
                    f"Something is already listening on {host}:{port} (wellled, perhaps). "
                    "Stop it, or choose another port with --port."
                )
            return f"Cannot listen on {host}:{port}: {error.strerror or error}"
    return None


def _check_options(host: str, port: int, workers: int) -> None:
    if not 0 < port < 65536:
        raise CommandError(f"--port must be between 1 and 65535, not {port}")
    if workers < 1:
        raise CommandError("--workers must be 1 or more")
    problem = _bind_problem(host, port)
    if problem:
        raise CommandError(problem)


def _wait_until_listening(host: str, port: int, children: list[subprocess.Popen[bytes]]) -> bool:
    probe = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with socket.create_connection((probe, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = (
        "Run wellled: the web server (gunicorn) and, when jobs use the embedded "
        "filesystem queue (no CELERY_BROKER_URL or REDIS_URL), a background worker "
        "with the periodic-job scheduler inside it; a worker that dies is restarted and "
        "the web server carries on. Ctrl-C or SIGTERM stops them all. "
        "With an external broker such as Redis, only the web server starts: run "
        "`celery -A wellled worker` and `celery -A wellled beat` as separate "
        "services (one beat for the whole deployment)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.getenv("WEB_CONCURRENCY", "0")) or default_web_workers(),
            help="Web server processes (default: WEB_CONCURRENCY, or 2 to 3 by CPU count)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        _check_options(host, port, options["workers"])

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        children: dict[str, subprocess.Popen[bytes]] = {}
        keeper: WorkerKeeper | None = None
        try:
            # Each child leads its own process group, so that stopping it also
            # stops what it started (gunicorn's workers, the embedded scheduler).
            children["web server"] = subprocess.Popen(  # noqa: S603
                web_command(host, port, options["workers"]), start_new_session=True
            )
            if uses_embedded_broker():
                keeper = WorkerKeeper(_start_worker, self._say)
            # Only the web server's exit ends the wait: a dying worker is restarted.
            if not _wait_until_listening(host, port, [children["web server"]]):
                raise CommandError(f"The web server did not start listening on {host}:{port}")
            self.stdout.write(f"wellled is running at http://{host}:{port}/")
            if not uses_embedded_broker():
                scheme = urlsplit(str(settings.CELERY_BROKER_URL)).scheme or "external"
                self.stdout.write(
                    f"Background jobs go to the {scheme} broker: run `celery -A wellled worker` "
                    "and `celery -A wellled beat` separately."
                )
            self.stdout.write("Press Ctrl-C to stop.")
            self.stdout.flush()
            while not stop.wait(0.5):
                if children["web server"].poll() is not None:
                    raise CommandError("The web server stopped unexpectedly, so wellled has too")
                if keeper is not None:
                    keeper.check()
        finally:
            if keeper is not None:
                children["background worker"] = keeper.process
            self._stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("wellled has stopped.")

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} did not stop in time: killing it")
                _signal_group(child, _KILL)
                child.wait()
        # Anything a child left behind in its group (the scheduler of a killed worker).
        for child in children.values():
            _signal_group(child, _KILL, quiet=True)


_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


def _start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(worker_command(), start_new_session=True)  # noqa: S603


def _signal_group(child: subprocess.Popen[bytes], sig: int, *, quiet: bool = False) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(child.pid, sig)
        elif not quiet:
            child.send_signal(sig)
    except (ProcessLookupError, PermissionError):
        if not quiet and child.poll() is None:
            child.send_signal(sig)
