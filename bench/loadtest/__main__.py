"""`make loadtest`: mixed personas against two app servers and two workers, with faults.

Runs the demo trust on PostgreSQL and Redis (loaded once into its own database, then
reused), starts two app servers (gunicorn, two processes each), two Celery workers
and the scheduler, and drives them with locust (`locustfile.py`, from its own
virtualenv) for LOADTEST_MINUTES with LOADTEST_USERS simulated people. During the
run one worker is killed (SIGKILL, then started again as a supervisor would) and one
app server is stopped and started again. Afterwards it checks that `wellled
verify-audit` reports the trail intact, that no complaint reference was issued twice
and that every job started during the run finished or failed with a message, and
prints p50/p95 per page and every error. Exit status 1 if a check fails or any
request failed.

Traffic goes to 127.0.0.1 only. Not part of CI. See docs/deployment.md, "Load test".
"""

from __future__ import annotations

import csv
import datetime
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WELLLED = str(Path(sys.executable).with_name("wellled"))
# Long enough for the heartbeat check (2 minutes' silence, checked each minute) and
# the unclaimed-job check (WELLLED_JOB_UNCLAIMED_MINUTES twice) to settle every job.
JOBS_SETTLE_SECONDS = 360


def _setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass
class Plan:
    users: int = int(_setting("LOADTEST_USERS", "50"))
    minutes: float = float(_setting("LOADTEST_MINUTES", "10"))
    database_url: str = _setting(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wellled_loadtest"
    )
    redis_url: str = _setting("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    folder: Path = Path(_setting("LOADTEST_DIR", str(ROOT / "var" / "loadtest")))
    ports: tuple[int, int] = (
        int(_setting("LOADTEST_PORT_1", "8781")),
        int(_setting("LOADTEST_PORT_2", "8782")),
    )
    locust: str = _setting("LOADTEST_LOCUST", str(ROOT / ".venv-loadtest" / "bin" / "locust"))
    events: list[str] = field(default_factory=list)
    # When the first fault was injected and when the last service was serving again
    # (epoch seconds), to split the figures into before the faults and after them.
    marks: dict[str, float] = field(default_factory=dict)

    def hosts(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def note(self, text: str) -> None:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S")
        self.events.append(f"{stamp} {text}")
        print(f"[loadtest {stamp}] {text}", flush=True)


def _secret(folder: Path, name: str) -> str:
    """A secret kept beside the demo database, so that it matches it on every run."""
    path = folder / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(60))
    return path.read_text().strip()


def environment(plan: Plan) -> dict[str, str]:
    plan.folder.mkdir(parents=True, exist_ok=True)
    var = plan.folder / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "WELLLED_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "wellled.settings",
            "DATABASE_URL": plan.database_url,
            "REDIS_URL": plan.redis_url,
            "WELLLED_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "WELLLED_SPEAKUP_EPOCH_KEY_DIR": str(plan.folder / "epoch-keys"),
            "WELLLED_AUDIT_KEY_FILE": str(plan.folder / "audit-key.json"),
            "WELLLED_AUDIT_CHECKPOINT_FILE": str(plan.folder / "audit-checkpoints.jsonl"),
            "SECRET_KEY": _secret(plan.folder, "secret-key"),
            "WELLLED_SPEAKUP_PEPPER": _secret(plan.folder, "pepper"),
            # The demo's logins have no second factor (a banner says so).
            "WELLLED_REQUIRE_2FA": "false",
            # A lost job message is noticed within the run, not after it.
            "WELLLED_JOB_UNCLAIMED_MINUTES": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _wellled(env: dict[str, str], *args: str, log: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [WELLLED, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    output = result.stdout + result.stderr
    if log is not None:
        with log.open("a") as out:
            out.write(f"$ wellled {' '.join(args)}\n{output}\n")
    if result.returncode != 0:
        raise SystemExit(f"wellled {' '.join(args)} failed:\n{output}")
    return output


def prepare_database(plan: Plan, env: dict[str, str]) -> None:
    """Create the database if it is missing, migrate it, and load the demo trust once."""
    import psycopg

    base, name = plan.database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    log = plan.folder / "setup.log"
    plan.note(f"migrating {name} and loading the demo trust if it is empty (log: {log})")
    _wellled(env, "migrate", "--no-input", log=log)
    _wellled(env, "demo", "--if-empty", log=log)


class Service:
    """One process of the deployment, in its own process group so it stops whole."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], folder: Path) -> None:
        self.name, self.command, self.env = name, command, env
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            self.command,
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "wellled", "--quiet", *args]


def services(plan: Plan, env: dict[str, str]) -> dict[str, Service]:
    from wellled.core.management.commands.serve import web_command

    folder = plan.folder / "logs"
    folder.mkdir(exist_ok=True)
    made: dict[str, Service] = {}
    for number, port in enumerate(plan.ports, start=1):
        made[f"web{number}"] = Service(
            f"web{number}", web_command("127.0.0.1", port, 2), env, folder
        )
    for number in (1, 2):
        worker = ("worker", "-n", f"loadtest{number}@%h", "--pool", "threads")
        made[f"worker{number}"] = Service(
            f"worker{number}",
            _celery(*worker, "--concurrency", "2", "--loglevel", "INFO"),
            env,
            folder,
        )
    made["beat"] = Service(
        "beat",
        _celery("beat", "--schedule", str(plan.folder / "celerybeat-schedule")),
        env,
        folder,
    )
    return made


def wait_healthy(host: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{host}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{host} did not become healthy within {timeout:.0f} s")
        time.sleep(1)


_TASK = re.compile(r"Task wellled\.core\.tasks\.run_job\[([0-9a-f-]+)\] (\w+)")


def _running_a_job(running: dict[str, Service]) -> str | None:
    """The worker that has a job in hand, read from its log: received, not yet ended."""
    for name in ("worker1", "worker2"):
        path = running[name].log_path
        in_hand: set[str] = set()
        for task, state in _TASK.findall(path.read_text() if path.exists() else ""):
            (in_hand.add if state == "received" else in_hand.discard)(task)
        if in_hand:
            return name
    return None


def faults(plan: Plan, running: dict[str, Service], stop: threading.Event) -> None:
    """Kill a worker once and restart an app server once, part way through the run.

    The worker killed is one running a job if one does within a minute of the
    planned time, so that the heartbeat check has a job to recover.
    """
    seconds = plan.minutes * 60
    if stop.wait(seconds * 0.35):
        return
    victim = None
    for _ in range(60):
        victim = _running_a_job(running)
        if victim or stop.wait(1):
            break
    victim = victim or "worker2"
    plan.marks["first fault"] = time.time()
    plan.note(
        f"fault: killing {victim} with SIGKILL ({'mid-job' if _running_a_job(running) else 'idle'})"
    )
    running[victim].stop(signal.SIGKILL)
    if stop.wait(5):
        return
    running[victim].start()
    plan.note(f"{victim} started again")
    if stop.wait(seconds * 0.25):
        return
    plan.note("fault: stopping app server web1 (SIGTERM) and starting it again")
    running["web1"].stop(signal.SIGTERM)
    running["web1"].start()
    wait_healthy(plan.hosts()[0])
    plan.marks["recovered"] = time.time()
    plan.note("web1 is serving again")


def run_locust(plan: Plan, env: dict[str, str]) -> Path:
    prefix = plan.folder / "results"
    spawn_rate = max(1, plan.users // 10)
    command = [
        plan.locust,
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(plan.users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{int(plan.minutes * 60)}s",
        "--host",
        plan.hosts()[0],
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "30",
    ]
    samples = Path(f"{prefix}_samples.csv")
    samples.unlink(missing_ok=True)
    locust_env = {**env, "LOADTEST_HOSTS": ",".join(plan.hosts()), "LOADTEST_SAMPLES": str(samples)}
    with (plan.folder / "logs" / "locust.log").open("wb") as log:
        subprocess.run(  # noqa: S603
            command, env=locust_env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    return prefix


def settle_jobs(plan: Plan, since: datetime.datetime) -> tuple[int, int, int, int]:
    """Wait for the run's jobs to end: (started, still open, failed with no message,
    run more than once)."""
    import psycopg

    deadline = time.monotonic() + JOBS_SETTLE_SECONDS
    with psycopg.connect(plan.database_url, autocommit=True) as db:
        while True:
            started, still_open, silent, again = db.execute(
                "SELECT count(*), "
                "count(*) FILTER (WHERE status IN ('queued', 'running')), "
                "count(*) FILTER (WHERE status = 'failed' AND message = ''), "
                "count(*) FILTER (WHERE attempts > 1) "
                "FROM core_job WHERE created_at >= %s",
                [since],
            ).fetchone() or (0, 0, 0, 0)
            if not still_open or time.monotonic() > deadline:
                return started, still_open, silent, again
            time.sleep(5)


def last_complaint_id(plan: Plan) -> int:
    import psycopg

    with psycopg.connect(plan.database_url) as db:
        row = db.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint").fetchone()
    return int(row[0]) if row else 0


def checks(
    plan: Plan, env: dict[str, str], since: datetime.datetime, last_before: int
) -> list[tuple[str, bool]]:
    import psycopg

    plan.note("waiting for the run's jobs to finish or fail")
    started, still_open, silent, again = settle_jobs(plan, since)
    results = [
        (
            f"jobs started during the run: {started}; still open: {still_open}; "
            f"run again after their worker died: {again}",
            still_open == 0,
        ),
        (f"jobs failed without a message: {silent}", silent == 0),
    ]
    with psycopg.connect(plan.database_url) as db:
        duplicates = db.execute(
            "SELECT count(*) FROM (SELECT reference FROM complaints_complaint "
            "GROUP BY reference HAVING count(*) > 1) AS twice"
        ).fetchone()
        made = db.execute(
            "SELECT count(*) FROM complaints_complaint WHERE id > %s", [last_before]
        ).fetchone()
    results.append(
        (
            f"complaints sent during the run: {made[0] if made else 0}; references issued "
            f"twice: {duplicates[0] if duplicates else '?'}",
            bool(duplicates) and duplicates[0] == 0,
        )
    )
    verified = subprocess.run(  # noqa: S603
        [WELLLED, "verify-audit"], env=env, capture_output=True, text=True, check=False
    )
    verdict = [
        line
        for line in (verified.stdout + verified.stderr).splitlines()
        if "audit trail" in line.lower()
    ]
    results.append((f"verify-audit: {' '.join(verdict[:2])}", verified.returncode == 0))
    return results


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def phase_table(plan: Plan, samples: Path) -> list[str]:
    """p50/p95 per request before the first fault and after the last recovery, from the
    same run: whether the service came back as fast as it was before the faults."""
    first, recovered = plan.marks.get("first fault"), plan.marks.get("recovered")
    if first is None or recovered is None or not samples.exists():
        return ["", "Before and after the faults: not measured (the faults did not both run)."]
    before: dict[str, list[float]] = {}
    after: dict[str, list[float]] = {}
    for line in samples.read_text().splitlines():
        stamp, rest = line.split(",", 1)
        name, took, _failed = rest.rsplit(",", 2)
        when = float(stamp)
        phase = before if when < first else after if when > recovered else None
        if phase is not None:
            phase.setdefault(name, []).append(float(took))
            phase.setdefault("All requests", []).append(float(took))
    lines = [
        "",
        "Before the first fault and after the last recovery (same run):",
        "",
        "| request | before: count | p50 ms | p95 ms | after: count | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(set(before) | set(after), key=lambda n: (n == "All requests", n)):
        b, a = before.get(name, []), after.get(name, [])
        lines.append(
            f"| {name} | {len(b)} | {_percentile(b, 0.5):.0f} | {_percentile(b, 0.95):.0f} "
            f"| {len(a)} | {_percentile(a, 0.5):.0f} | {_percentile(a, 0.95):.0f} |"
        )
    return lines


def report(plan: Plan, prefix: Path, results: list[tuple[str, bool]]) -> bool:
    rows: list[dict[str, Any]] = []
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    lines = [
        f"# Load test: {plan.users} users for {plan.minutes:g} minutes",
        "",
        "| request | count | failures | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    failures = 0
    for row in rows:
        label = f"{row['Type']} {row['Name']}".strip()
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
            f"{_number(row['50%']):.0f} | {_number(row['95%']):.0f} |"
        )
    errors_path = Path(f"{prefix}_failures.csv")
    if errors_path.exists():
        with errors_path.open() as errors:
            failed = list(csv.DictReader(errors))
        if failed:
            lines += ["", "Errors:", ""]
            lines += [
                f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']})"
                for row in failed
            ]
    lines += phase_table(plan, Path(f"{prefix}_samples.csv"))
    lines += ["", "Checks:", ""]
    lines += [f"- {'ok' if passed else 'FAILED'}: {text}" for text, passed in results]
    lines += ["", "Events:", ""] + [f"- {event}" for event in plan.events]
    text = "\n".join(lines) + "\n"
    (plan.folder / "report.md").write_text(text)
    print(text)
    return failures == 0 and all(passed for _, passed in results)


def main() -> int:
    plan = Plan()
    if not Path(plan.locust).exists():
        raise SystemExit(f"locust is not installed at {plan.locust}: run `make loadtest`")
    if not re.match(r"postgres(ql)?://", plan.database_url):
        raise SystemExit("LOADTEST_DATABASE_URL must name a PostgreSQL database")
    env = environment(plan)
    prepare_database(plan, env)
    running = services(plan, env)
    stop = threading.Event()
    try:
        for service in running.values():
            service.start()
        for host in plan.hosts():
            wait_healthy(host)
        since = datetime.datetime.now(datetime.UTC)
        last_before = last_complaint_id(plan)
        plan.note(f"running {plan.users} users for {plan.minutes:g} minutes")
        fault_thread = threading.Thread(target=faults, args=(plan, running, stop), daemon=True)
        fault_thread.start()
        prefix = run_locust(plan, env)
        stop.set()
        fault_thread.join()
        plan.note("load finished")
        results = checks(plan, env, since, last_before)
    finally:
        stop.set()
        for service in running.values():
            service.stop()
    return 0 if report(plan, prefix, results) else 1


if __name__ == "__main__":
    sys.exit(main())
