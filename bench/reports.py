"""`python -m bench.reports`: time the Integrated Performance Report page and the board pack.

Builds a fresh database (SQLite in a temporary directory, or DATABASE_URL, which is
flushed first: never point it at real data) with the test trust and 25 imported
monthly metrics of 36 months each, with narratives and a few annotations and
recalculations, then measures:

- the IPR page (/reports/ipr/) as a board member: median of 5 requests after a warm-up,
  target under 300 ms;
- the board pack PDF (the job's handler, end to end: charts, HTML, WeasyPrint, storing
  it): median of 3, target under 10 s, with the time of each stage of one run.

Prints the figures and exits 1 if a target is missed.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

METRICS = 25
MONTHS = 36
IPR_TARGET_MS = 300
PACK_TARGET_S = 10
IPR_REPEATS = 5
PACK_REPEATS = 3
SEED = 20261125
LAST_MONTH = datetime.date(2025, 12, 1)


def _setup() -> None:
    var_dir = tempfile.mkdtemp(prefix="wellled-bench-reports-")
    os.environ.setdefault("WELLLED_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    os.environ["WELLLED_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def _months() -> list[datetime.date]:
    out = []
    year, month = LAST_MONTH.year, LAST_MONTH.month
    for _ in range(MONTHS):
        out.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def _add_metric(
    index: int, rng: Any, periods: list[datetime.date], domains: list[str], owner: Any
) -> None:
    """One metric: 36 imported months (a shift in every third), a narrative, and an
    annotation on every fifth."""
    import numpy as np

    from wellled.reports import actions
    from wellled.reports.importing import RawRow
    from wellled.reports.models import Frequency

    level = float(rng.uniform(20, 90))
    noise = rng.normal(0, level * 0.05, MONTHS)
    shift = np.where(np.arange(MONTHS) >= rng.integers(12, MONTHS), level * 0.12, 0.0)
    values = np.round(level + noise + (shift if index % 3 == 0 else 0.0), 2)
    metric = actions.create_metric(
        acting_user=None,
        name=f"Bench metric {index + 1:02d}",
        definition="A synthetic monthly percentage for the benchmark",
        owner=owner,
        unit="%",
        improvement=("increase", "decrease", "neither")[index % 3],
        frequency=Frequency.MONTHLY,
        domain=domains[index % len(domains)],
        target=round(level, 1) if index % 3 != 2 and index % 2 == 0 else None,
    )
    actions.import_metric_values(
        acting_user=None,
        metric=metric,
        rows=[
            RawRow(number=row + 2, metric=None, period=period.isoformat(), value=float(value))
            for row, (period, value) in enumerate(zip(periods, values, strict=True))
        ],
    )
    actions.write_narrative(
        acting_user=owner,
        metric=metric,
        month=LAST_MONTH,
        what=f"Metric {index + 1} moved within its usual range.",
        so_what="No change to the risk.",
        what_next="Keep monitoring.",
    )
    if index % 5 == 0:
        actions.add_annotation(
            acting_user=owner, metric=metric, period=periods[20], text="New process"
        )


def build_catalogue() -> object:
    """The test trust with 25 metrics x 36 months; returns the Trust."""
    import numpy as np

    from wellled.core.testing import add_personas, build_trust
    from wellled.reports.models import Domain, Metric, Rebase

    trust = add_personas(build_trust())
    owner = trust.people["governance_lead"]
    rng = np.random.default_rng(SEED)
    periods = _months()
    domains = list(Domain.values)
    for index in range(METRICS):
        _add_metric(index, rng, periods, domains, owner)
    # Recalculate two metrics from the middle of the series (approved rebases).
    for metric in Metric.objects.order_by("pk")[:2]:
        Rebase.objects.create(
            metric=metric,
            period=periods[18],
            reason="Benchmark recalculation",
            requested_by=owner,
            approver=trust.people["executive"],
            approved_at=datetime.datetime.now(datetime.UTC),
        )
    return trust


def _median_ms(func: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Median and worst wall-clock ms, and the median CPU ms of this process."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        func()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def time_ipr(trust: object) -> float:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(trust.people["board_member"])  # type: ignore[attr-defined]
    url = reverse("reports:ipr")
    response = client.get(url)  # warm-up: templates, caches
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")

    def fetch() -> None:
        client.get(url)

    median, worst, cpu = _median_ms(fetch, IPR_REPEATS)
    verdict = "ok" if median < IPR_TARGET_MS else "OVER TARGET"
    print(
        f"IPR page {url} ({METRICS} metrics x {MONTHS} months): median {median:.0f} ms, "
        f"max {worst:.0f} ms, CPU {cpu:.0f} ms (target < {IPR_TARGET_MS} ms) {verdict}"
    )
    return median


def time_board_pack(trust: object) -> float:
    from wellled.core.models import Job
    from wellled.reports import boardpack
    from wellled.reports.charting import charts_for_metrics
    from wellled.reports.models import BoardPack

    user = trust.people["governance_lead"]  # type: ignore[attr-defined]

    # One run broken into its stages (wall clock).
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    metrics = boardpack.pack_metrics()
    chart_list = charts_for_metrics(metrics, up_to=boardpack.month_end(LAST_MONTH))
    stages.append(("charts (engine)", time.perf_counter() - started))
    started = time.perf_counter()
    sections = boardpack.build_sections(metrics, chart_list, LAST_MONTH)
    html = boardpack.render_html(BoardPack(month=LAST_MONTH, requested_by=user), sections, "Bench")
    stages.append(("SVG and HTML", time.perf_counter() - started))
    started = time.perf_counter()
    pdf = boardpack.html_to_pdf(html)
    stages.append(("WeasyPrint PDF", time.perf_counter() - started))
    print(
        "board pack stages: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages)
        + f"; {len(pdf) // 1024:,} KB"
    )

    # The whole job, as the worker runs it.
    def produce() -> None:
        pack = BoardPack.objects.create(month=LAST_MONTH, requested_by=user)
        job = Job.objects.create(
            kind=boardpack.JOB_KIND,
            title="Bench board pack",
            started_by=user,
            payload={"board_pack_id": pack.pk},
        )
        outcome = boardpack.produce_board_pack(job, lambda percent, message: None)
        if not outcome.succeeded:
            raise SystemExit(f"The board pack failed: {outcome.message}")

    median, worst, cpu = _median_ms(produce, PACK_REPEATS)
    seconds = median / 1000
    verdict = "ok" if seconds < PACK_TARGET_S else "OVER TARGET"
    pages = _pages(BoardPack.objects.filter(status="issued").order_by("-pk").first())
    print(
        f"board pack PDF job ({METRICS} metrics, {pages} pages): median {seconds:.2f} s, "
        f"max {worst / 1000:.2f} s, CPU {cpu / 1000:.2f} s (target < {PACK_TARGET_S} s) {verdict}"
    )
    return seconds


def _pages(pack: object) -> int:
    import io

    from pypdf import PdfReader

    data = getattr(pack, "pdf", None)
    return len(PdfReader(io.BytesIO(bytes(data))).pages) if data else 0


def main() -> int:
    _setup()
    import logging

    # WeasyPrint and fontTools log every step at INFO.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    started = time.perf_counter()
    trust = build_catalogue()
    took = time.perf_counter() - started
    print(f"catalogue of {METRICS} metrics x {MONTHS} months built in {took:.1f} s")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs: wall times include waiting for a CPU")
    ipr_ms = time_ipr(trust)
    pack_s = time_board_pack(trust)
    return 0 if ipr_ms < IPR_TARGET_MS and pack_s < PACK_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
