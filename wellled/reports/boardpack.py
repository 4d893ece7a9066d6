"""The board pack: a month's Integrated Performance Report as a PDF, kept as issued.

`actions.request_board_pack(...)` creates a `BoardPack` and starts a job of kind
`reports.board_pack`; `produce_board_pack` below is that job. It draws every
active metric's chart up to the end of the pack's month (the same SVG as the
pages), adds that month's narratives, renders the HTML to an A4 PDF with
WeasyPrint, and stores the bytes and their SHA-256. An issued pack is never
rendered again: downloading it returns exactly the stored bytes.

Reads: `queries.board_packs_visible_to(user)` and `queries.get_board_pack_for_user`.
A pack covers every service's metrics, so it is read by those who hold
VIEW_METRICS over the whole trust. The pack's writes (running, issued, failed) are
actions, which this job calls.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from wellled.core import jobs
from wellled.core.models import Job
from wellled.organisation.queries import get_trust
from wellled.reports import actions, charts
from wellled.reports.chartdata import ChartData
from wellled.reports.charting import charts_for_metrics
from wellled.reports.models import BoardPack, Domain, Metric, Narrative, domain_rank
from wellled.reports.periods import month_end
from wellled.reports.queries import narratives_of_month

logger = logging.getLogger(__name__)

JOB_KIND = "reports.board_pack"
PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "boardpack-print.css"
CHART_WIDTH, CHART_HEIGHT = 720, 300

# The summary matrix: variation families down, assurance across.
VARIATION_ROWS: list[tuple[str, str, tuple[str, ...]]] = [
    ("concern", "Special cause concern", ("concern_high", "concern_low")),
    ("common", "Common cause", ("common_cause",)),
    ("improvement", "Special cause improvement", ("improvement_high", "improvement_low")),
    ("neither", "Special cause, neither", ("neither_high", "neither_low")),
    ("none", "Too few points", ("",)),
]
ASSURANCE_COLUMNS: list[tuple[str, str]] = [
    ("fail", "Fail"),
    ("hit_or_miss", "Hit or miss"),
    ("pass", "Pass"),
    ("", "No assurance"),
]


def file_name(pack: BoardPack) -> str:
    return f"board-pack-{pack.month:%Y-%m}.pdf"


# --- what the pack shows ----------------------------------------------------------------------


@dataclass
class Section:
    number: int
    anchor: str
    metric: Metric
    chart: ChartData
    svg: SafeString
    narrative: Narrative | None
    rows: list[charts.TableRow]
    latest_period: str = ""
    latest_value: str = ""
    variation_icon: SafeString = field(default_factory=lambda: SafeString(""))
    assurance_icon: SafeString = field(default_factory=lambda: SafeString(""))


@dataclass
class MatrixCell:
    assurance: str
    sections: list[Section]


@dataclass
class MatrixRow:
    key: str
    label: str
    icons: list[SafeString]
    cells: list[MatrixCell]


@dataclass
class DomainGroup:
    label: str
    sections: list[Section]


def _domain_order(metric: Metric) -> tuple[int, str, int]:
    return (domain_rank(metric.domain), metric.name.lower(), metric.pk)


def pack_metrics() -> list[Metric]:
    """The active metrics in the order the pack shows them: by domain, then name."""
    metrics = Metric.objects.filter(is_active=True).select_related("owner", "service")
    return sorted(metrics, key=_domain_order)


# The PDF's table under each chart shows the latest year of figures: laying out every
# period of 25 metrics as tables took most of the pack's time. The pages and
# /api/v1/metrics/ give the whole series.
PDF_TABLE_PERIODS = 12


def build_sections(
    metrics: Sequence[Metric], chart_list: Sequence[ChartData], month: datetime.date
) -> list[Section]:
    narratives = narratives_of_month(list(metrics), month)
    sections = []
    for number, (metric, chart) in enumerate(zip(metrics, chart_list, strict=True), start=1):
        rows = charts.table_rows(chart)
        latest = next((row for row in reversed(rows) if row.value), None)
        sections.append(
            Section(
                number=number,
                anchor=f"metric-{metric.pk}",
                metric=metric,
                chart=chart,
                svg=charts.render_chart_svg(
                    chart, width=CHART_WIDTH, height=CHART_HEIGHT, id_prefix=f"metric-{metric.pk}"
                ),
                narrative=narratives.get(metric.pk),
                rows=rows[-PDF_TABLE_PERIODS:],
                latest_period=latest.period_label if latest else "",
                latest_value=latest.value if latest else "",
                variation_icon=charts.variation_icon_svg(chart.variation, size=28),
                assurance_icon=charts.assurance_icon_svg(chart.assurance, size=28),
            )
        )
    return sections


def build_matrix(sections: Sequence[Section]) -> list[MatrixRow]:
    rows = []
    for key, label, codes in VARIATION_ROWS:
        cells = [
            MatrixCell(
                assurance=code,
                sections=[
                    s for s in sections if s.chart.variation in codes and s.chart.assurance == code
                ],
            )
            for code, _label in ASSURANCE_COLUMNS
        ]
        icons = [charts.variation_icon_svg(code, size=24) for code in codes if code]
        rows.append(MatrixRow(key=key, label=label, icons=icons, cells=cells))
    return rows


def build_domains(sections: Sequence[Section]) -> list[DomainGroup]:
    labels = dict(Domain.choices)
    grouped: dict[str, list[Section]] = {}
    for section in sections:
        grouped.setdefault(section.metric.domain, []).append(section)
    return [
        DomainGroup(label=str(labels.get(domain, domain)), sections=items)
        for domain, items in grouped.items()
    ]


def icon_key() -> list[tuple[str, SafeString, str]]:
    """Every variation and assurance icon with its meaning, for the pack's key."""
    variation = [
        (code, charts.variation_icon_svg(code, size=28), label)
        for code, label in charts.VARIATION_LABELS.items()
    ]
    assurance = [
        (code, charts.assurance_icon_svg(code, size=28), label)
        for code, label in charts.ASSURANCE_LABELS.items()
    ]
    return variation + assurance


def render_html(pack: BoardPack, sections: Sequence[Section], trust_name: str) -> str:
    return render_to_string(
        "reports/boardpack/pdf.html",
        {
            "pack": pack,
            "trust_name": trust_name,
            "sections": sections,
            "domains": build_domains(sections),
            "matrix": build_matrix(sections),
            "assurance_columns": [
                (label, charts.assurance_icon_svg(code, size=24))
                for code, label in ASSURANCE_COLUMNS
            ],
            "issued_on": timezone.localdate(),
            "icon_key": icon_key(),
        },
    )


# --- the PDF ----------------------------------------------------------------------------------


def _fetcher_class() -> type:
    # WeasyPrint is imported only when a pack is drawn: it is slow to import and the
    # web processes never need it.
    from weasyprint import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Fetches `data:` URLs only; any other URL is refused and remembered."""

        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> object:
            if not url.startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"The board pack may not load {url[:80]!r}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_only_fetcher() -> object:
    """A WeasyPrint URL fetcher that never touches the network or the file system."""
    return _fetcher_class()()


def html_to_pdf(html: str, *, fetcher: object | None = None) -> bytes:
    """The HTML as an A4 PDF, with the print stylesheet inlined."""
    from weasyprint import CSS, HTML  # imported late, as in _fetcher_class

    fetcher = fetcher if fetcher is not None else local_only_fetcher()
    css = CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no PDF")
    return pdf


def _draw_pack(pack: BoardPack, progress: jobs.Progress) -> tuple[bytes, int]:
    """The pack's PDF and how many metrics it shows."""
    progress(5, "Reading the metrics")
    metrics = pack_metrics()
    progress(15, f"Calculating {len(metrics)} charts up to {pack.month:%B %Y}")
    chart_list = charts_for_metrics(metrics, up_to=month_end(pack.month))
    progress(35, "Drawing the charts")
    sections = build_sections(metrics, chart_list, pack.month)
    trust = get_trust()
    html = render_html(pack, sections, trust.name if trust is not None else "")
    progress(50, f"Laying out the PDF of {len(sections)} metrics")
    return html_to_pdf(html), len(sections)


# Retried after a worker dies: a pack still queued or running is drawn afresh and
# issued in one transaction at the end, so a run cut short leaves nothing behind.
@jobs.handler(JOB_KIND, atomic=False, retry=True)
def produce_board_pack(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """Draw the pack, then store it in one short transaction (or mark it failed)."""
    pack_id = job.payload.get("board_pack_id")
    pack = BoardPack.objects.filter(pk=pack_id).select_related("requested_by").first()
    if pack is None:
        return jobs.Outcome(succeeded=False, message="The board pack no longer exists.")
    if pack.status not in (BoardPack.Status.QUEUED, BoardPack.Status.RUNNING):
        return jobs.Outcome(
            succeeded=False,
            message=f"This board pack is already {pack.get_status_display().lower()}.",
        )
    actions.mark_board_pack_running(acting_user=pack.requested_by, pack=pack)
    try:
        pdf, count = _draw_pack(pack, progress)
        progress(95, "Archiving the pack")
        digest = actions.issue_board_pack(
            acting_user=pack.requested_by, pack=pack, pdf=pdf, metrics=count
        )
    except Exception:
        logger.exception("Board pack %s could not be produced", pack.pk)
        actions.mark_board_pack_failed(acting_user=pack.requested_by, pack=pack)
        return jobs.Outcome(
            succeeded=False,
            message=(
                "The board pack could not be produced. The error has been logged; "
                "request it again or ask an administrator."
            ),
            result_url=reverse("boardpacks:list"),
        )
    return jobs.Outcome(
        succeeded=True,
        message=(
            f"The board pack for {pack.month:%B %Y} is issued: {count} metrics, "
            f"{len(pdf) // 1024:,} KB."
        ),
        result={"board_pack_id": pack.pk, "sha256": digest, "metrics": count},
        result_url=reverse("boardpacks:list"),
    )
