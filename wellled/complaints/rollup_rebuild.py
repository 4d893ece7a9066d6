"""Counting every case again without stopping the measures: the roll-up rebuilt in
short transactions while the board reads it and the actions write to it.

`rollup.rebuild_at_once` empties the two tables and counts every case in one
transaction: on PostgreSQL its TRUNCATE holds the tables' ACCESS EXCLUSIVE lock to
the end, so every page reading a measure waits for it (about 5 minutes at a million
cases). `rebuild` gets to the same rows in two passes, neither of which holds a lock
for longer than one batch:

1. **The facts, batch by batch.** For each run of `BATCH` cases (by id), one
   transaction locks the cases' rows, as the actions do before changing a case,
   then what was last counted of them (`MeasuredComplaint`), and counts again
   only the cases whose facts differ: their old counts taken away and the new
   added, exactly as `rollup.refresh` does for one case. A reader sees each case
   counted either as it was or as it is, never half of one.

2. **The cells, in one correction.** The roll-up should equal the sum of what the
   kept facts contribute. One read-only snapshot (REPEATABLE READ on PostgreSQL)
   reads every kept fact and every cell; the difference is the error, and it is
   added to the cells in one short transaction. Every refresh adds its own change
   with the same adding upsert, so adding the error after others have added theirs
   still ends at the sum: the correction commutes with the actions' writes.
   Readers see the old figures until it commits, and the corrected ones after.

When the roll-up was right (the usual case: the nightly check rebuilds only on a
difference), neither pass changes a row, and readers see the same figures throughout.

On SQLite (development) every transaction takes the write lock when it begins
(settings: transaction_mode IMMEDIATE), so writers also wait for the snapshot's
read; readers still answer throughout (WAL).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from wellled.complaints.models import Complaint, ComplaintIssue, MeasureCell, MeasuredComplaint
from wellled.complaints.rollup import (
    CASE_FIELDS,
    Counts,
    Key,
    add_counts,
    contributions,
    difference,
    facts_of,
)

BATCH = 2000

# Called after each transaction that wrote, with what it was and how long it held
# its locks (seconds): for the bench and the tests, and for progress.
StepHook = Callable[[str, float], None]

CELL_KEY = ("measure", "month", "service_id", "team_id", "site_id", "subject_id", "days")


def rebuild(*, batch: int = BATCH, on_step: StepHook | None = None) -> tuple[int, int]:
    """Count every case again, in short transactions. Returns (cases, cells).

    Safe to run while the actions write and the measures are read (module docstring).
    """
    cases = 0
    after = 0  # complaint ids are positive
    while True:
        ids = list(
            Complaint.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        upto = ids[-1] if ids else None
        started = time.perf_counter()
        cases += _recount_batch(after, upto)
        if on_step is not None:
            on_step("cases", time.perf_counter() - started)
        if upto is None:
            break
        after = upto
    _correct_cells(on_step)
    return cases, MeasureCell.objects.count()


def _recount_batch(after: int, upto: int | None) -> int:
    """Count again the cases with after < id <= upto (no upper bound when None), in
    one transaction; a kept row whose case is gone is taken away. Returns the cases."""
    with transaction.atomic():
        # The cases' row locks first, as every action takes them before a change
        # (and so before its refresh): no action can change these cases, or their
        # issues, until this commits, and no lock is taken in the other order.
        in_range = Complaint.objects.filter(pk__gt=after)
        if upto is not None:
            in_range = in_range.filter(pk__lte=upto)
        cases = {
            case["pk"]: case
            for case in in_range.select_for_update().order_by("pk").values(*CASE_FIELDS)
        }
        kept_rows = MeasuredComplaint.objects.filter(complaint_id__gt=after)
        if upto is not None:
            kept_rows = kept_rows.filter(complaint_id__lte=upto)
        kept = {
            row.complaint_id: row.facts
            for row in kept_rows.select_for_update().order_by("complaint_id")
        }
        subjects: dict[int, list[int]] = defaultdict(list)
        for complaint_id, subject_id in ComplaintIssue.objects.filter(
            complaint_id__in=list(cases)
        ).values_list("complaint_id", "subject_id"):
            subjects[complaint_id].append(subject_id)
        now = {pk: facts_of(case, subjects[pk]) for pk, case in cases.items()}
        gone = set(kept) - set(now)
        if gone:
            # A case recorded since the cases were read is counted by its own
            # action: only a kept row whose case no longer exists is taken away.
            gone -= set(Complaint.objects.filter(pk__in=gone).values_list("pk", flat=True))
        _write_changes(kept, now, gone)
    return len(cases)


def _write_changes(
    kept: dict[int, dict[str, Any]], now: dict[int, dict[str, Any]], gone: set[int]
) -> None:
    """Take away the old counts of every case whose facts changed, add the new, and
    keep the new facts (as `rollup._refresh_now`, for a batch)."""
    delta: Counts = defaultdict(lambda: [0, 0])
    changed = {pk: facts for pk, facts in now.items() if kept.get(pk) != facts}
    for pk in [*changed, *gone]:
        for key, (numerator, denominator) in difference(
            contributions(now.get(pk)), contributions(kept.get(pk))
        ).items():
            delta[key][0] += numerator
            delta[key][1] += denominator
    add_counts(MeasureCell, {key: value for key, value in delta.items() if value != [0, 0]})
    if gone:
        MeasuredComplaint.objects.filter(complaint_id__in=gone).delete()
    MeasuredComplaint.objects.bulk_create(
        [MeasuredComplaint(complaint_id=pk, facts=f) for pk, f in changed.items() if pk in kept],
        update_conflicts=True,
        unique_fields=["complaint_id"],
        update_fields=["facts"],
    )
    MeasuredComplaint.objects.bulk_create(
        [MeasuredComplaint(complaint_id=pk, facts=f) for pk, f in changed.items() if pk not in kept]
    )


def _snapshot_error() -> tuple[Counts, list[Key]]:
    """What the cells lack against the kept facts (expected - actual), and the cells
    that hold nothing, read in one snapshot."""
    expected: Counts = defaultdict(lambda: [0, 0])
    actual: Counts = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                # One snapshot for both tables, so a refresh is seen whole or not at all.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for facts in MeasuredComplaint.objects.values_list("facts", flat=True).iterator(
            chunk_size=5000
        ):
            for key, (numerator, denominator) in contributions(facts).items():
                expected[key][0] += numerator
                expected[key][1] += denominator
        for row in MeasureCell.objects.values_list(*CELL_KEY, "numerator", "denominator").iterator(
            chunk_size=5000
        ):
            actual[(row[0], row[1].isoformat(), *row[2:7])] = [row[7], row[8]]
    empty = [key for key, value in actual.items() if value == [0, 0]]
    return difference(expected, actual), empty


def _correct_cells(on_step: StepHook | None) -> None:
    error, empty = _snapshot_error()
    if not error and not empty:
        return
    started = time.perf_counter()
    with transaction.atomic():
        add_counts(MeasureCell, error)
        for key in empty:
            # Left empty by something outside the actions: dropped, as a rebuild
            # from nothing would not have it (only if it is still empty).
            MeasureCell.objects.filter(
                **dict(zip(CELL_KEY, key, strict=True)), numerator=0, denominator=0
            ).delete()
    if on_step is not None:
        on_step("cells", time.perf_counter() - started)
