"""The inspection pack for one quality statement: a ZIP of a PDF index and its documents.

Started by `actions.start_inspection_pack`; the job runs as the user who started
it, so the pack holds only the evidence that user may see. The ZIP is written to
the default storage under `assurance/packs/<job id>.zip` and downloaded from
`assurance:pack_download` by the job's starter.
"""

from __future__ import annotations

import datetime
import io
import logging
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.actions import PACK_JOB_KIND
from wellled.assurance.models import EvidenceKind
from wellled.assurance.queries import evidence_for_statement
from wellled.core import jobs
from wellled.core.models import Job

logger = logging.getLogger(__name__)


PACK_DIR = "assurance/packs"
DEFAULT_PACK_DAYS = 30


def pack_path(job_id: object) -> str:
    return f"{PACK_DIR}/{job_id}.zip"


def pack_days() -> int:
    """How long a pack is kept: WELLLED_ASSURANCE_PACK_DAYS, 30 days by default."""
    days = int(getattr(settings, "WELLLED_ASSURANCE_PACK_DAYS", DEFAULT_PACK_DAYS))
    if days < 1:
        raise ValueError("WELLLED_ASSURANCE_PACK_DAYS must be at least 1")
    return days


def prune_packs(*, now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Delete pack ZIPs last written more than `days` ago; returns how many went.

    Packs are copies of the library made for one download, so an old one is only a
    stale copy. Its job stays; its download then answers "not ready" (404).
    """
    keep_days = pack_days() if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    try:
        _, names = default_storage.listdir(PACK_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        if not name.endswith(".zip"):
            continue
        path = f"{PACK_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    if removed:
        logger.info("Pruned %d inspection pack(s) older than %d days", removed, keep_days)
    return removed


def index_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# Only reads the library and writes a file: nothing to roll back in the database.
@jobs.handler(PACK_JOB_KIND, atomic=False)
def build_inspection_pack(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    statement_id = str(job.payload.get("statement_id", ""))
    methodology = frameworks.get_framework(
        str(job.payload.get("methodology_id", "saf_2024_statements"))
    )
    statement = frameworks.statement(methodology, statement_id)
    if statement is None:
        return jobs.Outcome(False, "The quality statement is not in the framework.")
    today = timezone.localdate()
    items = list(evidence_for_statement(job.started_by, statement_id).order_by("title", "pk"))
    progress(10, f"Found {len(items)} evidence items")
    rows = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, item in enumerate(items, start=1):
            in_zip = ""
            if item.kind == EvidenceKind.DOCUMENT and item.file:
                in_zip = f"documents/{number:03d}-{item.file_name or 'document'}"
                with item.file.open("rb") as handle:
                    archive.writestr(in_zip, handle.read())
            rows.append(
                {
                    "number": number,
                    "item": item,
                    "stale": item.is_stale(today),
                    "in_zip": in_zip,
                    "categories": [
                        methodology.evidence_categories.get(c, c) for c in item.category_ids
                    ],
                }
            )
            progress(10 + 70 * number // max(1, len(items)), f"Added {number} of {len(items)}")
        html = render_to_string(
            "assurance/pack_index.html",
            {
                "statement": statement,
                "key_question": frameworks.key_question_name(methodology, statement.key_question),
                "methodology": methodology,
                "rows": rows,
                "generated_on": today,
            },
        )
        progress(85, "Writing the index")
        archive.writestr("index.pdf", index_pdf(html))
    name = default_storage.save(pack_path(job.id), ContentFile(buffer.getvalue()))
    stale = sum(1 for row in rows if row["stale"])
    return jobs.Outcome(
        True,
        f"The pack for {statement.name} is ready: {len(items)} items, {stale} past review.",
        result={"file": name, "items": len(items), "stale": stale},
        result_url=reverse("assurance:pack_download", args=[job.id]),
    )
