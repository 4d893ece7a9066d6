"""`make bench`: load the demo trust into a fresh SQLite database and time it, then time
every page and API list, and the detail pages of the demo's biggest objects, against
issue 21's target of 300 ms p95.

Each page is first requested once as every demo persona; the persona it was slowest
for (usually the one who sees most) then requests it REPEATS times, and its p95 is
reported. Between those requests the same persona requests the floor page (the page
shell around fixed text, `bench.pages.FLOOR_ROUTE`), so each figure is also given as
a ratio to the floor measured in the same minute of the same run: on a shared machine
the ratio moves much less with the load than the milliseconds do. Downloads (any
answer that is neither HTML nor JSON, except letters, which the issue sets a target
for) are listed separately.

Run with DATABASE_URL set to measure PostgreSQL instead (the database is flushed first,
so never point it at real data). `--keep DIR` keeps the demo in DIR and reuses it in
the next run; `--json FILE` writes the figures and `--compare FILE` prints a
previous run's p95 beside each.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TARGET_MS = 300
REPEATS = 20  # the nearest-rank p95 of 20 is the 19th: one slow request is forgiven
FLOOR_EVERY = 4  # one floor request after every fourth page request
# A page whose first request took under this gets SCREEN_REPEATS requests, not REPEATS:
# the slowest of 5 is above their p95, so it bounds it from above, and the run stays
# short enough for a shared machine. The count behind each figure is printed.
SCREEN_MS = 100
SCREEN_REPEATS = 5


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Figure:
    label: str
    url: str
    persona: str
    download: bool
    first_ms: float = 0.0
    samples: list[float] = field(default_factory=list)
    # CPU time of this process for the same requests: on a shared machine it moves
    # much less with the load than the wall time does.
    cpu: list[float] = field(default_factory=list)

    @property
    def p95(self) -> float:
        return p95(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def _timed_get(client: Any, url: str) -> tuple[float, Any, float]:
    """Wall ms, the response, and CPU ms."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    return (
        (time.perf_counter() - started) * 1000,
        response,
        (time.process_time() - cpu) * 1000,
    )


def _is_download(label: str, response: Any) -> bool:
    kind = response.get("Content-Type", "")
    return "letter" not in label and not kind.startswith(("text/html", "application/json"))


def _setup(keep: str | None) -> None:
    os.environ.setdefault("WELLLED_VAR_DIR", keep or tempfile.mkdtemp(prefix="wellled-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    os.environ["WELLLED_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from wellled.organisation.models import OrgUnit

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    if keep and OrgUnit.objects.exists():
        print(f"demo trust reused from {keep}")
        return
    if OrgUnit.objects.exists():
        # A flush also empties the reference lists a migration loaded.
        from wellled.complaints.models import ReferenceItem
        from wellled.complaints.reference import load_reference_data

        call_command("flush", verbosity=0, interactive=False)
        load_reference_data(ReferenceItem)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo trust loaded in {time.perf_counter() - started:.2f} s")


def _chosen(target: Any, only: str) -> bool:
    """`--only`: comma-separated terms, each found in the URL or label, or "=URL"."""
    terms = [term for term in only.split(",") if term]
    return not terms or any(
        target.url == term[1:] if term.startswith("=") else term in f"{target.url} {target.label}"
        for term in terms
    )


def _clients(only: list[str] | None) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.test import Client

    from wellled.organisation import demo

    clients = {}
    for username in only or [p.username for p in demo.PERSONAS] + [demo.OPERATOR_USERNAME]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    return clients


def _scan(clients: dict[str, Any], targets: list[Any]) -> list[Figure]:
    """One request per persona and page: who the page is slowest for, and what it is."""
    figures = []
    for target in targets:
        slowest: tuple[float, str, bool] | None = None
        for username, client in clients.items():
            ms, response, _cpu = _timed_get(client, target.url)
            if response.status_code == 200 and (slowest is None or ms > slowest[0]):
                slowest = (ms, username, _is_download(target.label, response))
        if slowest is not None:
            figures.append(
                Figure(target.label, target.url, slowest[1], slowest[2], first_ms=slowest[0])
            )
    return figures


def _measure(
    clients: dict[str, Any], figures: list[Figure], floor_url: str, args: Any
) -> dict[str, list[float]]:
    floors: dict[str, list[float]] = {name: [] for name in clients}
    for figure in figures:
        client = clients[figure.persona]
        screened = figure.first_ms < args.screen_ms
        for n in range(SCREEN_REPEATS if screened else args.repeats):
            ms, _response, cpu = _timed_get(client, figure.url)
            figure.samples.append(ms)
            figure.cpu.append(cpu)
            if n % FLOOR_EVERY == 0:
                floors[figure.persona].append(_timed_get(client, floor_url)[0])
        print(f"  {figure.p95:>6.0f} ms p95  {figure.url}", file=sys.stderr, flush=True)
    return floors


def _print_table(
    title: str, figures: list[Figure], floors: dict[str, float], before: dict[str, Any]
) -> list[Figure]:
    print(f"\n{title}")
    print(
        f"{'page':<42} {'persona':<18} {'n':>3} {'median':>7} {'p95':>7} {'÷floor':>7}"
        f" {'CPU med':>7} {'before p95':>10} {'CPU':>5}  url"
    )
    over = []
    for figure in sorted(figures, key=lambda f: -f.p95):
        previous = before.get(figure.url, {})
        was = f"{previous['p95']:>10.0f}" if previous else f"{'':>10}"
        was += f" {statistics.median(previous['cpu']):>5.0f}" if previous.get("cpu") else " " * 6
        flag = " *" if figure.p95 > TARGET_MS else ""
        ratio = figure.p95 / floors[figure.persona]
        print(
            f"{figure.label[:42]:<42} {figure.persona[:18]:<18} {len(figure.samples):>3}"
            f" {figure.median:>7.0f}"
            f" {figure.p95:>7.0f} {ratio:>7.1f} {statistics.median(figure.cpu):>7.0f} {was}"
            f"  {figure.url}{flag}"
        )
        if figure.p95 > TARGET_MS:
            over.append(figure)
    return over


def _report(figures: list[Figure], floor_samples: dict[str, list[float]], args: Any) -> None:
    from bench.demo import _load

    floors = {name: p95(samples) for name, samples in floor_samples.items() if samples}
    print(f"\nfloor ({args.floor_url}) p95 by persona, ms, measured between the pages:")
    print("  " + ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(floors.items())))
    before = json.loads(Path(args.compare).read_text()) if args.compare else {}
    pages = [f for f in figures if not f.download]
    over = _print_table("pages and endpoints (ms; * over target)", pages, floors, before)
    _print_table("downloads (ms)", [f for f in figures if f.download], floors, before)
    print(f"\nload average at the end: {_load()}")
    print(f"pages over {TARGET_MS} ms p95: {len(over)} of {len(pages)}")
    for figure in over:
        print(f"  {figure.label} as {figure.persona}: {figure.p95:.0f} ms")
    if args.json:
        data = {f.url: {**asdict(f), "p95": f.p95, "median": f.median} for f in figures}
        data["floor"] = floors
        Path(args.json).write_text(json.dumps(data, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--keep", help="keep the demo in this directory and reuse it")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument(
        "--only",
        default="",
        help="only these pages: comma-separated terms found in the URL or label, or =URL",
    )
    parser.add_argument("--personas", help="only these personas, comma-separated")
    parser.add_argument("--screen-ms", type=float, default=SCREEN_MS)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--compare", help="print the p95 of a previous --json beside each")
    args = parser.parse_args(argv)
    _setup(args.keep)
    from django.urls import reverse

    from bench.demo import _load, _machine
    from bench.pages import FLOOR_ROUTE, page_targets

    print(f"machine: {_machine()}\nload average at the start: {_load()}")
    args.floor_url = reverse(FLOOR_ROUTE)
    clients = _clients(args.personas.split(",") if args.personas else None)
    targets = [t for t in page_targets() if _chosen(t, args.only)]
    figures = _scan(clients, targets)
    floor_samples = _measure(clients, figures, args.floor_url, args)
    _report(figures, floor_samples, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
