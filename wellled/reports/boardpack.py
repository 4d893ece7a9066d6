"""The board pack: a month's Integrated Performance Report as a PDF, kept as issued.

`actions.request_board_pack(...)` creates a `BoardPack` and starts a job of kind
`reports.board_pack`; `produce_board_pack` below is that job. It draws every
active metric's chart up to the end of the pack's month (the same SVG as the
pages), adds that month's narratives, renders the HTML to an A4 PDF with
WeasyPrint, and stores the bytes and their SHA-256. An issued pack is never
rendered again: downloading it returns exactly the stored bytes.

Reads: `board_packs_visible_to(user)` and `get_board_pack_for_user(user, pk)`.
A pack covers every service's metrics, so it is read by those who hold
VIEW_METRICS over the whole trust.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from wellled.core import audit, jobs
from wellled.core.models import Job
from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.queries import get_trust
from wellled.reports import charts
from wellled.reports.chartdata import ChartData
from wellled.reports.models import BoardPack, Domain, Metric, Narrative

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


# --- reads ------------------------------------------------------------------------------------


def can_read_board_packs(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    trust = get_trust()
    if trust is None:
        return False
    return can(user, Cap.VIEW_METRICS, trust)


def board_packs_visible_to(user: AnyUser) -> QuerySet[BoardPack]:
    if not can_read_board_packs(user):
        return BoardPack.objects.none()
    return BoardPack.objects.select_related("requested_by").defer("pdf")


def get_board_pack_for_user(user: AnyUser, pk: int) -> BoardPack:
    if not can_read_board_packs(user):
        raise PermissionDenied
    pack = BoardPack.objects.select_related("requested_by").filter(pk=pk).first()
    if pack is None:
        raise Http404("No such board pack")
    return pack


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


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _domain_order(metric: Metric) -> tuple[int, str, int]:
    values = list(Domain.values)
    rank = values.index(metric.domain) if metric.domain in values else len(values)
    return (rank, metric.name.lower(), metric.pk)


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
    narratives = {
        n.metric_id: n
        for n in Narrative.objects.filter(metric__in=[m.pk for m in metrics], month=month)
    }
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
    from weasyprint import CSS, HTML

    fetcher = fetcher if fetcher is not None else local_only_fetcher()
    css = CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no PDF")
    return pdf


@jobs.handler(JOB_KIND, atomic=False)
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
    BoardPack.objects.filter(pk=pack.pk).update(status=BoardPack.Status.RUNNING)
    try:
        from wellled.reports.charting import charts_for_metrics

        progress(5, "Reading the metrics")
        metrics = pack_metrics()
        progress(15, f"Calculating {len(metrics)} charts up to {pack.month:%B %Y}")
        chart_list = charts_for_metrics(metrics, up_to=month_end(pack.month))
        progress(35, "Drawing the charts")
        sections = build_sections(metrics, chart_list, pack.month)
        trust = get_trust()
        trust_name = trust.name if trust is not None else ""
        html = render_html(pack, sections, trust_name)
        progress(50, f"Laying out the PDF of {len(sections)} metrics")
        pdf = html_to_pdf(html)
        progress(95, "Archiving the pack")
        digest = hashlib.sha256(pdf).hexdigest()
        with transaction.atomic():
            pack.pdf = pdf
            pack.sha256 = digest
            pack.status = BoardPack.Status.ISSUED
            pack.issued_at = timezone.now()
            pack.save(update_fields=["pdf", "sha256", "status", "issued_at"])
            audit.record(
                acting_user=pack.requested_by,
                action="reports.board_pack_issued",
                obj=pack,
                after={
                    "month": pack.month.isoformat(),
                    "sha256": digest,
                    "metrics": len(sections),
                    "bytes": len(pdf),
                },
            )
    except Exception:
        logger.exception("Board pack %s could not be produced", pack.pk)
        with transaction.atomic():
            BoardPack.objects.filter(pk=pack.pk).update(status=BoardPack.Status.FAILED)
            audit.record(
                acting_user=pack.requested_by,
                action="reports.board_pack_failed",
                obj=pack,
                after={"month": pack.month.isoformat()},
            )
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
            f"The board pack for {pack.month:%B %Y} is issued: {len(sections)} metrics, "
            f"{len(pdf) // 1024:,} KB."
        ),
        result={"board_pack_id": pack.pk, "sha256": digest, "metrics": len(sections)},
        result_url=reverse("boardpacks:list"),
    )
