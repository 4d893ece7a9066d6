"""The monthly roll-up the complaints measures read, and how it is kept true.

Reading a year of measures from the cases themselves means scanning every case
received, due or answered in that year: at a million cases that is 0.2 to 1 s a
measure (bench/complaints.py). The roll-up holds, per measure, month, service,
team, site and KO41a subject, the counts those scans would find, so the board's
pages add up a few thousand small rows instead.

What is rolled up is what no longer changes with the passing of time:

* ``ack``: acknowledgements made, at the month they were due (numerator: on time);
* ``resp``: first responses sent, at the month they were due (numerator: on time);
  due is the date agreed or set by the trust, else the last day of the six months,
  so every formal complaint answered is counted;
* ``overdue``: for cases whose lateness has ended (closed, transferred, or both
  acknowledged and answered), each month whose last day found them overdue;
* ``reopened``, ``phso``: reopenings and Ombudsman referrals, at their month;
* ``received``: formal complaints received (the themes, by subject);
* ``days``: first responses, at their month, by the calendar days they took from
  receipt: a histogram, so the median is exact.

The rest still moves day by day, and is counted from the cases at read time
(measures.py): acknowledgements and first responses not yet made, and cases that
are still open and overdue or may become so (`LIVE_OVERDUE`). Those are the open,
unanswered cases: a few hundred in a trust, served by partial indexes.

Each case is counted once in every cell of its month, place and measure with
subject 0, and once more under each subject its issues raise (-1 when it has
none), so a breakdown by subject counts it against every subject it raises.

Keeping it true: every action that changes a case or its issues calls `refresh`
inside its own transaction. `refresh` compares the facts the case was last
counted with (`MeasuredComplaint`) with its facts now, takes the old counts away
and adds the new. `rollup_rebuild.rebuild` counts every case again in short
transactions, while the measures are read (`rebuild_at_once`, in one, is for
migrations); `rollup_check.check` compares every
rolled-up measure with the same measure counted from the cases
(`wellled complaints_rollup`, and nightly on the beat schedule).

One rule the actions enforce keeps it exact: no date that ends lateness
(acknowledged, first responded, closed, transferred) is ever after the day it was
recorded, so a case outside `LIVE_OVERDUE` is never overdue today or later.
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Q

from wellled.complaints import models
from wellled.complaints.models import (
    Complaint,
    ComplaintIssue,
    Kind,
    MeasureCell,
    MeasuredComplaint,
    Status,
)

Date = datetime.date
# measure, month (ISO), service, team, site, subject, days
Key = tuple[str, str, int, int, int, int, int]
Counts = dict[Key, list[int]]  # [numerator, denominator]

ALL_SUBJECTS = 0
NO_SUBJECT = -1

# Cases counted at read time, not rolled up (each the exact complement of a rule
# in `contributions`).
LIVE_ACK = Q(acknowledged_on__isnull=True)
LIVE_RESPONSE = Q(first_responded_on__isnull=True)
LIVE_OVERDUE = Q(closed_on__isnull=True, transferred_on__isnull=True) & (
    Q(acknowledged_on__isnull=True) | Q(first_responded_on__isnull=True)
)

CASE_FIELDS = (
    "pk",
    "kind",
    "exclusion",
    "status",
    "service_id",
    "team_id",
    "site_id",
    "received_on",
    "acknowledgement_due",
    "acknowledged_on",
    "response_due",
    "first_response_due",
    "backstop_due",
    "first_responded_on",
    "closed_on",
    "transferred_on",
    "reopened_on",
    "referred_to_phso_on",
)


def _iso(day: Date | None) -> str | None:
    return day.isoformat() if day is not None else None


def facts_of(case: dict[str, Any], subjects: Iterable[int]) -> dict[str, Any]:
    """What the roll-up counts of one case: JSON-ready, so it can be kept and compared.

    `case` holds `CASE_FIELDS` (as from ``.values(*CASE_FIELDS)``).
    """
    # The date the first response is due (measure_counts._response_due): the one it
    # was sent against, else agreed or set, else the six months' last day.
    due = case["first_response_due"] or case["response_due"] or case["backstop_due"]
    return {
        # As measures.regulated_cases.
        "regulated": case["kind"] == Kind.COMPLAINT
        and not case["exclusion"]
        and case["status"] != Status.TRANSFERRED,
        "service": case["service_id"],
        "team": case["team_id"] or 0,
        "site": case["site_id"] or 0,
        "received": _iso(case["received_on"]),
        "ack_due": _iso(case["acknowledgement_due"]),
        "acknowledged": _iso(case["acknowledged_on"]),
        "due": _iso(due),
        "responded": _iso(case["first_responded_on"]),
        "closed": _iso(case["closed_on"]),
        "transferred": _iso(case["transferred_on"]),
        "reopened": _iso(case["reopened_on"]),
        "phso": _iso(case["referred_to_phso_on"]),
        "subjects": sorted(set(subjects)),
    }


def _day(value: str | None) -> Date | None:
    return Date.fromisoformat(value) if value else None


def _month(day: Date) -> str:
    return day.replace(day=1).isoformat()


def _month_ends(first: Date, last: Date) -> Iterator[Date]:
    """The last days of months that fall within first..last (inclusive)."""
    current = first.replace(day=1)
    while current <= last:
        following = (current + datetime.timedelta(days=32)).replace(day=1)
        end = following - datetime.timedelta(days=1)
        if first <= end <= last:
            yield end
        current = following


def is_live_overdue(facts: dict[str, Any]) -> bool:
    """`LIVE_OVERDUE` for one case's facts."""
    return (
        facts["closed"] is None
        and facts["transferred"] is None
        and (facts["acknowledged"] is None or facts["responded"] is None)
    )


def overdue_month_ends(facts: dict[str, Any]) -> set[Date]:
    """The month-ends on which a case outside `LIVE_OVERDUE` was open and overdue
    (measures.overdue_on, day by day): its acknowledgement late, or its response
    late against the agreed or set date, else the six months' last day."""
    one = datetime.timedelta(days=1)
    received = _day(facts["received"])
    assert received is not None
    ends = [d for d in (_day(facts["closed"]), _day(facts["transferred"])) if d is not None]
    last_open = min(ends) - one if ends else Date.max
    found: set[Date] = set()
    for due, done in (
        (_day(facts["ack_due"]), _day(facts["acknowledged"])),
        (_day(facts["due"]), _day(facts["responded"])),
    ):
        if due is None:
            continue
        first = max(due + one, received)
        last = min(done - one if done is not None else Date.max, last_open)
        if last == Date.max:
            raise ValueError("an open-ended lateness is counted live, not rolled up")
        found.update(_month_ends(first, last))
    return found


def contributions(facts: dict[str, Any] | None) -> Counts:
    """The counts one case adds to the roll-up."""
    counts: Counts = defaultdict(lambda: [0, 0])
    if not facts or not facts["regulated"]:
        return counts
    place = (facts["service"], facts["team"], facts["site"])
    subjects = [ALL_SUBJECTS, *(facts["subjects"] or [NO_SUBJECT])]

    def add(measure: str, day: Date, numerator: int, denominator: int, days: int = 0) -> None:
        month = _month(day)
        for subject in subjects:
            cell = counts[(measure, month, *place, subject, days)]
            cell[0] += numerator
            cell[1] += denominator

    received = _day(facts["received"])
    assert received is not None
    add("received", received, 1, 0)
    ack_due, acknowledged = _day(facts["ack_due"]), _day(facts["acknowledged"])
    if ack_due is not None and acknowledged is not None:
        add("ack", ack_due, int(acknowledged <= ack_due), 1)
    due, responded = _day(facts["due"]), _day(facts["responded"])
    if due is not None and responded is not None:
        add("resp", due, int(responded <= due), 1)
    if responded is not None:
        add("days", responded, 1, 0, days=(responded - received).days)
    for measure in ("reopened", "phso"):
        day = _day(facts[measure])
        if day is not None:
            add(measure, day, 1, 0)
    if not is_live_overdue(facts):
        for end in overdue_month_ends(facts):
            add("overdue", end, 1, 0)
    return counts


def difference(new: Counts, old: Counts) -> Counts:
    """new - old, cell by cell, without the cells that do not change."""
    delta: Counts = {}
    for key in set(new) | set(old):
        n, o = new.get(key, [0, 0]), old.get(key, [0, 0])
        change = [n[0] - o[0], n[1] - o[1]]
        if change != [0, 0]:
            delta[key] = change
    return delta


# Writing ---------------------------------------------------------------------------


def add_counts(cell_model: type[Model], delta: Counts) -> None:
    """Add the counts to their cells, creating cells as needed, and drop emptied ones.

    One upsert that adds to what is there (not read-then-write), so two cases
    counted at once into the same cell both land; cells in key order, so two
    transactions lock them in the same order.
    """
    if not delta:
        return
    table = connection.ops.quote_name(cell_model._meta.db_table)
    keys = sorted(delta)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for key in chunk:
                params.extend([*key, *delta[key]])
            cursor.execute(
                f"INSERT INTO {table} (measure, month, service_id, team_id, site_id, "  # noqa: S608
                f"subject_id, days, numerator, denominator) VALUES {rows} "
                "ON CONFLICT (measure, month, service_id, team_id, site_id, subject_id, days) "
                f"DO UPDATE SET numerator = {table}.numerator + excluded.numerator, "
                f"denominator = {table}.denominator + excluded.denominator",
                params,
            )
    months = {key[1] for key in keys}
    cell_model._default_manager.filter(
        measure__in={key[0] for key in keys}, month__in=months, numerator=0, denominator=0
    ).delete()


_local = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Refresh each case changed in the block once, at its end, not after every change.

    For loads that step many cases through many actions in one transaction
    (`wellled demo`): a case's counts depend only on how it is at the end, so one
    refresh gives the same roll-up as one per action. Nothing may read the
    measures inside the block; they are brought up to date before it ends, still
    inside the caller's transaction. A nested block joins the outer one.
    """
    if getattr(_local, "changed", None) is not None:
        yield
        return
    changed: set[int] = set()
    _local.changed = changed
    try:
        yield
    finally:
        _local.changed = None
    for complaint_id in sorted(changed):
        _refresh_now(complaint_id)


def refresh(complaint_id: int) -> None:
    """Bring the roll-up up to date with one case (and its issues), as it is now.

    Called by every action that changes a case or its issues, inside that action's
    transaction and after the case's row lock, so the counts commit with the change.
    Inside `deferred()` the case is only noted, and refreshed at the block's end.
    """
    changed: set[int] | None = getattr(_local, "changed", None)
    if changed is not None:
        changed.add(complaint_id)
        return
    _refresh_now(complaint_id)


def _refresh_now(complaint_id: int) -> None:
    kept = MeasuredComplaint.objects.select_for_update().filter(pk=complaint_id).first()
    case = Complaint.objects.filter(pk=complaint_id).values(*CASE_FIELDS).first()
    facts = None
    if case is not None:
        subjects = ComplaintIssue.objects.filter(complaint_id=complaint_id).values_list(
            "subject_id", flat=True
        )
        facts = facts_of(case, subjects)
    old = kept.facts if kept is not None else None
    if facts == old:
        return
    add_counts(MeasureCell, difference(contributions(facts), contributions(old)))
    if facts is None:
        MeasuredComplaint.objects.filter(pk=complaint_id).delete()
    elif kept is None:
        MeasuredComplaint.objects.create(complaint_id=complaint_id, facts=facts)
    else:
        kept.facts = facts
        kept.save(update_fields=["facts"])


def _cases_with_subjects(
    complaint_model: type[Model], issue_model: type[Model]
) -> Iterator[tuple[dict[str, Any], list[int]]]:
    """Every case with its issues' subjects: two ordered scans merged, so memory
    stays flat however many cases there are."""
    cases = complaint_model._default_manager.order_by("pk").values(*CASE_FIELDS)
    issues = (
        issue_model._default_manager.order_by("complaint_id")
        .values_list("complaint_id", "subject_id")
        .iterator(chunk_size=20000)
    )
    pending = next(issues, None)
    for case in cases.iterator(chunk_size=20000):
        subjects = []
        while pending is not None and pending[0] < case["pk"]:
            pending = next(issues, None)
        while pending is not None and pending[0] == case["pk"]:
            subjects.append(pending[1])
            pending = next(issues, None)
        yield case, subjects


def rebuild_at_once(
    *,
    complaint_model: type[Model] | None = None,
    issue_model: type[Model] | None = None,
    cell_model: type[Model] | None = None,
    measured_model: type[Model] | None = None,
) -> tuple[int, int]:
    """Count every case again from scratch, in one transaction. Returns (cases, cells).

    For migrations (they pass their historical models, and run in a transaction
    anyway): on PostgreSQL the two tables are truncated, so readers as well as
    writers wait for the whole count. Everything else uses `rollup_rebuild.rebuild`.
    """
    complaint_model = complaint_model or models.Complaint
    issue_model = issue_model or models.ComplaintIssue
    cell_model = cell_model or models.MeasureCell
    measured_model = measured_model or models.MeasuredComplaint
    tables = [cell_model._meta.db_table, measured_model._meta.db_table]
    totals: Counts = defaultdict(lambda: [0, 0])
    cases = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
                cursor.execute(f"LOCK TABLE {quoted} IN EXCLUSIVE MODE")
                cursor.execute(f"TRUNCATE {quoted}")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        batch: list[Model] = []
        for case, subjects in _cases_with_subjects(complaint_model, issue_model):
            facts = facts_of(case, subjects)
            for key, (numerator, denominator) in contributions(facts).items():
                cell = totals[key]
                cell[0] += numerator
                cell[1] += denominator
            batch.append(measured_model(complaint_id=case["pk"], facts=facts))
            cases += 1
            if len(batch) >= 5000:
                measured_model._default_manager.bulk_create(batch)
                batch = []
        measured_model._default_manager.bulk_create(batch)
        cells = [
            cell_model(
                measure=key[0],
                month=Date.fromisoformat(key[1]),
                service_id=key[2],
                team_id=key[3],
                site_id=key[4],
                subject_id=key[5],
                days=key[6],
                numerator=value[0],
                denominator=value[1],
            )
            for key, value in totals.items()
            if value != [0, 0]
        ]
        cell_model._default_manager.bulk_create(cells, batch_size=5000)
    return cases, len(cells)
