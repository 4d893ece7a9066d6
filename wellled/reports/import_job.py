"""The background job that imports a CSV file of metric values."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from wellled.core import jobs
from wellled.core.models import Job
from wellled.reports.actions import IMPORT_JOB_KIND, import_metric_values
from wellled.reports.importing import MAX_LISTED, FileProblem, RowError, check_rows, rows_from_csv
from wellled.reports.models import Metric


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@jobs.handler(IMPORT_JOB_KIND)
def run_values_import(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    metric_id = job.payload.get("metric_id")
    metric = Metric.objects.filter(pk=metric_id).first() if metric_id else None
    back = (
        reverse("reports:metric_upload", args=[metric.slug])
        if metric
        else reverse("reports:upload")
    )
    progress(10, "Reading the file")
    try:
        rows = rows_from_csv(str(job.payload.get("text", "")))
    except FileProblem as problem:
        return _failed([RowError(1, str(problem).removeprefix("Row 1: "))], back)
    progress(30, f"Checking {_plural(len(rows), 'row')}")
    found = check_rows(rows, metric=metric)
    if found.errors:
        return _failed(found.errors, back)
    progress(70, "Every row is correct: saving the values")
    try:
        checked = import_metric_values(acting_user=job.started_by, rows=rows, metric=metric)
    except ValidationError as error:
        return _failed([RowError(0, message) for message in error.messages], back)
    names = sorted(m.name for m in checked.values)
    done = (
        reverse("reports:metric", args=[next(iter(checked.values)).slug])
        if len(checked.values) == 1
        else reverse("reports:catalogue")
    )
    return jobs.Outcome(
        succeeded=True,
        message=f"Imported {_plural(checked.row_count, 'value')} for {', '.join(names)}",
        result={"values": checked.row_count, "metrics": names},
        result_url=done,
    )


def _failed(errors: list[RowError], back: str) -> jobs.Outcome:
    return jobs.Outcome(
        succeeded=False,
        message=(
            f"Nothing was imported: {_plural(len(errors), 'problem')} found. "
            "Correct the file and upload it again."
        ),
        result={
            "errors": [
                {"row": error.row or "", "message": error.message} for error in errors[:MAX_LISTED]
            ]
        },
        result_url=back,
    )
