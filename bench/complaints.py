"""`python -m bench.complaints`: the complaints measures and caseload at scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wl_bench python -m bench.complaints
    ... --complaints 1000000 --sites 50 --repeats 7 [--reseed]

Seeds (once; `--reseed` starts again) a trust of 50 sites and 40 services with
1,000,000 complaints and about 3 issues each, in bulk SQL (generate_series), then
reports the median time of:

* each measure by month x service over the last 12 months, as the measures page
  computes it (target: under 200 ms);
* the caseload list page with filters (target: under 50 ms), and its query count
  at two page sizes (it must not change);
* the same measures written by hand as single SQL queries: the floor (target: the
  app within 2x of it).

Seeding bypasses the actions, so it ends by building the measures' monthly roll-up
(`rollup.rebuild_at_once`). Each measure is timed three ways: as the app reads it (the
roll-up plus what is still moving, counted live), counted from the cases alone
(`from_cases=True`, the app before the roll-up), and as the hand-written floor;
the run also checks that the first two agree.

Then (unless `--no-rebuilds`) the roll-up is rebuilt twice while a reader reads a
measure, in one transaction as before and in short transactions
(bench/complaints_rebuild.py): the longest lock held and the longest read, as
ratios to an idle read.

The database's complaints are deleted when seeding: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MEASURE_BUDGET_MS = 200
CASELOAD_BUDGET_MS = 50
FLOOR_RATIO = 2.0


def _median_ms(run: Callable[[], Any], repeats: int) -> float:
    run()  # warm the caches and the query plan
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# --- seeding ----------------------------------------------------------------------------------


def _defaults(model: Any, given: dict[str, str]) -> tuple[list[str], list[str]]:
    """Columns and SQL expressions for every column: the given ones, else a neutral value."""
    from django.db import models

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in given:
            expressions.append(given[field.column])
        elif field.null:
            expressions.append("NULL")
        elif isinstance(field, models.BooleanField):
            expressions.append("false")
        elif isinstance(field, models.DateTimeField):
            expressions.append("now()")
        elif isinstance(field, models.IntegerField):
            expressions.append("0")
        else:
            expressions.append("''")
    return columns, expressions


def _organisation(sites: int) -> tuple[Any, list[int], list[int]]:
    from django.db import transaction

    with transaction.atomic():
        return _build_organisation(sites)


def _build_organisation(sites: int) -> tuple[Any, list[int], list[int]]:
    from wellled.core.testing import make_user
    from wellled.organisation import actions as org
    from wellled.organisation.models import OrgUnit, Role, ServiceLine, Setting, UnitKind

    trust = OrgUnit.objects.filter(kind=UnitKind.TRUST, name="Bench Trust").first()
    if trust is None:
        trust = org.create_unit(acting_user=None, kind=UnitKind.TRUST, name="Bench Trust")
        hubs = [
            org.create_unit(acting_user=None, kind=UnitKind.HUB, name=f"Hub {h}", parent=trust)
            for h in range(5)
        ]
        for s in range(sites):
            org.create_unit(
                acting_user=None, kind=UnitKind.SITE, name=f"Site {s:02d}", parent=hubs[s % 5]
            )
        groups = [
            org.create_unit(
                acting_user=None, kind=UnitKind.CARE_GROUP, name=f"Care group {g}", parent=trust
            )
            for g in range(5)
        ]
        for s in range(40):
            org.create_unit(
                acting_user=None,
                kind=UnitKind.SERVICE,
                name=f"Service {s:02d}",
                parent=groups[s % 5],
                service_line=ServiceLine.MENTAL_HEALTH,
                setting=Setting.COMMUNITY if s % 3 else Setting.INPATIENT,
            )
        manager = make_user("bench_manager")
        org.grant_role(acting_user=None, user=manager, role=Role.COMPLAINTS_MANAGER, unit=trust)
    site_ids = list(
        OrgUnit.objects.filter(kind=UnitKind.SITE, path__startswith=trust.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    service_ids = list(
        OrgUnit.objects.filter(kind=UnitKind.SERVICE, path__startswith=trust.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return trust, site_ids, service_ids


def _sql_array(ids: list[int]) -> str:
    return "ARRAY[" + ",".join(map(str, ids)) + "]"


def _reference_array(list_name: str) -> str:
    """The top-level items of one reference list, as a SQL array literal."""
    from wellled.complaints.models import ReferenceItem

    found = list(
        ReferenceItem.objects.filter(list=list_name, parent__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _sql_array(found)


def _insert_complainants(cur: Any, n: int) -> int:
    """One complainant per complaint; returns the first one's id."""
    from wellled.complaints.models import Complainant

    columns, values = _defaults(
        Complainant,
        {"full_name": "'Bench complainant'", "email": "'bench@example.org'"},
    )
    cur.execute(
        f"INSERT INTO complaints_complainant ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM generate_series(1, %s) i",
        [n],
    )
    cur.execute("SELECT min(id) FROM complaints_complainant")
    return int(cur.fetchone()[0])


def _complaint_values(
    site_ids: list[int], service_ids: list[int], first_complainant: int, handler_id: int
) -> dict[str, str]:
    """Each complaint column as SQL over `s`, one row of random numbers per complaint:
    every date follows from them."""
    closed = "s.received + 36 + floor(s.r2 * 30)::int"
    responded = "s.received + 25 + floor(s.r2 * 30)::int"
    recent = "s.received > current_date - 70"
    return {
        "reference": "'B-' || s.i",
        "kind": "CASE WHEN s.r4 < 0.88 THEN 'complaint' WHEN s.r4 < 0.97 THEN 'pals' "
        "ELSE 'oral_resolved' END",
        "channel": "'letter'",
        "status": f"CASE WHEN {recent} THEN (ARRAY['received','acknowledged',"
        "'investigating','draft_response','signed_off'])[1 + floor(s.r3 * 5)::int] "
        "WHEN s.r3 < 0.03 THEN 'reopened' WHEN s.r3 < 0.04 THEN 'referred_to_phso' "
        "WHEN s.r3 < 0.08 THEN 'responded' ELSE 'closed' END",
        "received_on": "s.received",
        "summary": "'Bench complaint'",
        "service_id": f"({_sql_array(service_ids)})[1 + (s.i %% {len(service_ids)})]",
        "site_id": f"({_sql_array(site_ids)})[1 + ((s.i * 7) %% {len(site_ids)})]",
        "complainant_id": f"{first_complainant} + s.i - 1",
        "handler_id": str(handler_id),
        "acknowledgement_due": "s.received + 5",
        "acknowledged_on": f"CASE WHEN {recent} AND s.r3 < 0.2 THEN NULL "
        "ELSE s.received + floor(s.r1 * 8)::int END",
        "response_due": "s.received + 40",
        "response_date_basis": "'agreed'",
        "backstop_due": "s.received + 182",
        "responded_on": f"CASE WHEN {recent} THEN NULL ELSE {responded} END",
        "first_responded_on": f"CASE WHEN {recent} THEN NULL ELSE {responded} END",
        "first_response_due": f"CASE WHEN {recent} THEN NULL ELSE s.received + 40 END",
        "closed_on": f"CASE WHEN {recent} OR s.r3 < 0.08 THEN NULL ELSE {closed} END",
        "reopened_on": f"CASE WHEN NOT {recent} AND s.r3 < 0.03 THEN {closed} END",
        "reopen_count": f"CASE WHEN NOT {recent} AND s.r3 < 0.03 THEN 1 ELSE 0 END",
        "referred_to_phso_on": f"CASE WHEN NOT {recent} AND s.r3 >= 0.03 AND s.r3 < 0.04 "
        f"THEN {closed} END",
    }


def _insert_complaints(cur: Any, n: int, given: dict[str, str]) -> None:
    from wellled.complaints.models import Complaint

    columns, values = _defaults(Complaint, given)
    cur.execute(
        f"INSERT INTO complaints_complaint ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM ("
        "SELECT i, (current_date - 1095 + floor(random() * 1090)::int) AS received, "
        "random() AS r1, random() AS r2, random() AS r3, random() AS r4 "
        "FROM generate_series(1, %s) i) s",
        [n],
    )


def _issue_values() -> dict[str, str]:
    """Each issue column as SQL over the complaint `c`: random subject, area, profession."""
    from wellled.complaints.models import ReferenceList

    subjects = _reference_array(ReferenceList.KO41A_SUBJECT)
    areas = _reference_array(ReferenceList.KO41A_SERVICE_AREA)
    professions = _reference_array(ReferenceList.PROFESSION)
    return {
        "complaint_id": "c.id",
        "description": "'Bench issue'",
        "subject_id": f"({subjects})[1 + floor(random() * cardinality({subjects}))::int]",
        "service_area_id": f"({areas})[1 + floor(random() * cardinality({areas}))::int]",
        "profession_id": f"({professions})[1 + floor(random() * cardinality({professions}))::int]",
        "outcome": "(ARRAY['upheld','partially_upheld','not_upheld'])"
        "[1 + floor(random() * 3)::int]",
    }


def _insert_issues(cur: Any, given: dict[str, str]) -> None:
    """1 to 5 issues each (3 on average)."""
    from wellled.complaints.models import ComplaintIssue

    columns, values = _defaults(ComplaintIssue, given)
    cur.execute(
        f"INSERT INTO complaints_complaintissue ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM complaints_complaint c, "
        "generate_series(1, 1 + (c.id % 5)::int) k"
    )


def _insert_cases(
    n: int, site_ids: list[int], service_ids: list[int], handler_id: int, issues: dict[str, str]
) -> None:
    """Every complainant, complaint and issue, in one transaction of bulk SQL."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        # CASCADE empties whatever hangs off the cases (issues, letters, learning).
        cur.execute("TRUNCATE complaints_complaint, complaints_complainant CASCADE")
        cur.execute("SELECT setseed(0.42)")
        first_complainant = _insert_complainants(cur, n)
        given = _complaint_values(site_ids, service_ids, first_complainant, handler_id)
        _insert_complaints(cur, n, given)
        _insert_issues(cur, issues)


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        # VACUUM sets the visibility map, so the measures' covering indexes are
        # read without visiting the table, as on a database that autovacuum keeps.
        for table in (
            "complaints_complaint",
            "complaints_complaintissue",
            "complaints_measurecell",
            "complaints_measuredcomplaint",
        ):
            cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute("ANALYZE complaints_complainant")


def seed(n: int, sites: int) -> None:
    from django.contrib.auth.models import User

    from wellled.complaints import rollup
    from wellled.complaints.models import ComplaintIssue

    _trust, site_ids, service_ids = _organisation(sites)
    manager = User.objects.get(username="bench_manager")
    issue_values = _issue_values()
    started = time.perf_counter()
    _insert_cases(n, site_ids, service_ids, manager.pk, issue_values)
    seeded = time.perf_counter() - started
    # The rows went in by SQL, not through the actions, so the measures' roll-up
    # counts them all at once, in one transaction (nothing reads it yet).
    started = time.perf_counter()
    _cases, cells = rollup.rebuild_at_once()
    rebuilt = time.perf_counter() - started
    _vacuum()
    issues = ComplaintIssue.objects.count()
    print(
        f"seeded {n:,} complaints and {issues:,} issues across {len(site_ids)} sites "
        f"in {seeded:.1f} s; roll-up of {cells:,} cells built in {rebuilt:.1f} s"
    )


# --- the floor: each measure by hand ----------------------------------------------------------

_REGULATED = "c.kind = 'complaint' AND c.exclusion = '' AND c.status <> 'transferred'"

_FLOOR_TEMPLATES: dict[str, str] = {
    "acknowledged_on_time": """
        SELECT (c.acknowledgement_due
               - (extract(day from c.acknowledgement_due)::int - 1)), c.service_id,
               count(*) FILTER (WHERE c.acknowledged_on <= c.acknowledgement_due), count(*)
        FROM complaints_complaint c
        WHERE REGULATED AND c.acknowledgement_due BETWEEN %(first)s AND %(last)s
          AND (c.acknowledged_on IS NOT NULL OR c.acknowledgement_due < %(today)s)
        GROUP BY 1, 2""",
    "responded_by_agreed_date": """
        SELECT (d.due
               - (extract(day from d.due)::int - 1)), d.service_id,
               count(*) FILTER (WHERE d.first_responded_on <= d.due), count(*)
        FROM (SELECT c.service_id, c.first_responded_on,
                     coalesce(c.first_response_due, c.response_due) AS due
              FROM complaints_complaint c
              WHERE REGULATED AND (c.response_due BETWEEN %(first)s AND %(last)s
                 OR c.first_response_due BETWEEN %(first)s AND %(last)s)) d
        WHERE d.due BETWEEN %(first)s AND %(last)s
          AND (d.first_responded_on IS NOT NULL OR d.due < %(today)s)
        GROUP BY 1, 2""",
    "median_days_to_respond": """
        SELECT (c.first_responded_on
               - (extract(day from c.first_responded_on)::int - 1)), c.service_id,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.first_responded_on - c.received_on)
        FROM complaints_complaint c
        WHERE REGULATED AND c.first_responded_on BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2""",
    "reopened": """
        SELECT (c.reopened_on
               - (extract(day from c.reopened_on)::int - 1)), c.service_id, count(*)
        FROM complaints_complaint c
        WHERE REGULATED AND c.reopened_on BETWEEN %(first)s AND %(last)s GROUP BY 1, 2""",
    "phso_referrals": """
        SELECT (c.referred_to_phso_on
               - (extract(day from c.referred_to_phso_on)::int - 1)), c.service_id, count(*)
        FROM complaints_complaint c
        WHERE REGULATED AND c.referred_to_phso_on BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2""",
    "themes": """
        SELECT (c.received_on
               - (extract(day from c.received_on)::int - 1)), c.service_id, i.subject_id,
               count(DISTINCT c.id)
        FROM complaints_complaint c JOIN complaints_complaintissue i ON i.complaint_id = c.id
        WHERE REGULATED AND c.received_on BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2, 3""",
}
# The fixed conditions spliced in; every value is bound as a parameter.
FLOOR_SQL = {k: v.replace("REGULATED", _REGULATED) for k, v in _FLOOR_TEMPLATES.items()}


def _overdue_floor(months: list[Any], today: Any) -> tuple[str, dict[str, Any]]:
    from wellled.complaints.measures import month_end

    params: dict[str, Any] = {"first": months[0], "today": today}
    parts = []
    for n, month in enumerate(months):
        key = f"d{n}"
        params[key] = min(month_end(month), today)
        day = f"%({key})s"
        parts.append(
            f"count(*) FILTER (WHERE c.received_on <= {day} "
            f"AND (c.closed_on IS NULL OR c.closed_on > {day}) "
            f"AND (c.transferred_on IS NULL OR c.transferred_on > {day}) "
            f"AND ((c.acknowledgement_due < {day} AND (c.acknowledged_on IS NULL "
            f"OR c.acknowledged_on > {day})) OR (coalesce(c.first_response_due, c.response_due, "
            f"c.backstop_due) < {day} AND (c.first_responded_on IS NULL "
            f"OR c.first_responded_on > {day}))))"
        )
    params["last"] = params[f"d{len(months) - 1}"]
    sql = (
        f"SELECT c.service_id, {', '.join(parts)} FROM complaints_complaint c "  # noqa: S608
        f"WHERE {_REGULATED} AND c.received_on <= %(last)s "
        "AND (c.closed_on IS NULL OR c.closed_on > %(first)s) "
        "AND (c.acknowledged_on IS NULL OR c.acknowledged_on > c.acknowledgement_due "
        "OR c.first_responded_on IS NULL OR c.first_responded_on > "
        "coalesce(c.first_response_due, c.response_due, c.backstop_due)) GROUP BY 1"
    )
    return sql, params


def _figures(table: Any) -> dict[tuple[Any, Any], tuple[Any, ...]]:
    """A measure table's non-empty cells (a row of zeros is no figure)."""
    return {
        (row.key, month): (cell.value, cell.numerator, cell.denominator)
        for row in table.rows
        for month, cell in zip(table.months, row.cells, strict=True)
        if cell.value or cell.numerator or cell.denominator
    }


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """The measures page's last 12 months, as the bench manager sees them."""

    paths: Any
    today: datetime.date
    start: datetime.date
    end: datetime.date
    months: list[datetime.date]

    @classmethod
    def for_user(cls, user: Any) -> _Window:
        from django.utils import timezone

        from wellled.complaints import measures
        from wellled.organisation.access import Cap, scope_paths

        paths = scope_paths(user, Cap.VIEW_COMPLAINT_MEASURES)
        today = timezone.localdate()
        end = measures.month_start(today)
        start = measures.add_month(end, -11)
        return cls(paths, today, start, end, measures.months_between(start, end))

    def floor_query(self, key: str) -> tuple[str, dict[str, Any]]:
        """The hand-written SQL for one measure, and its parameters."""
        from wellled.complaints import measures

        if key == "overdue_open":
            return _overdue_floor(self.months, self.today)
        first, last = self.months[0], measures.month_end(self.months[-1])
        return FLOOR_SQL[key], {"first": first, "last": last, "today": self.today}


def _time_measure(
    key: str, window: _Window, repeats: int, failures: list[str]
) -> tuple[float, float, float]:
    """One measure's line: app, from the cases, the floor and the ratio; (app, cases, floor) ms."""
    from django.db import connection

    from wellled.complaints import measures

    def app(from_cases: bool = False) -> Any:
        return measures.measure_table(
            key,
            start=window.start,
            end=window.end,
            breakdown="service",
            paths=window.paths,
            today=window.today,
            from_cases=from_cases,
        )

    sql, params = window.floor_query(key)

    def floor() -> Any:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    if _figures(app()) != _figures(app(from_cases=True)):
        failures.append(f"{key}: the roll-up and the cases disagree")
    app_ms = _median_ms(app, repeats)
    cases_ms = _median_ms(functools.partial(app, True), repeats)
    floor_ms = _median_ms(floor, repeats)
    ratio = app_ms / floor_ms if floor_ms else float("inf")
    print(f"{key:<28} {app_ms:>8.1f} {cases_ms:>9.1f} {floor_ms:>9.1f} {ratio:>6.2f}")
    if app_ms > MEASURE_BUDGET_MS:
        failures.append(f"{key}: {app_ms:.0f} ms > {MEASURE_BUDGET_MS} ms")
    if ratio > FLOOR_RATIO:
        failures.append(f"{key}: {ratio:.1f}x the hand-written SQL")
    return app_ms, cases_ms, floor_ms


def _time_measures(manager: Any, repeats: int, failures: list[str]) -> None:
    """Every measure by month x service, with the totals line."""
    from wellled.complaints import measures

    window = _Window.for_user(manager)
    print(f"\nmeasures by month x service, {len(window.months)} months (median of {repeats} runs)")
    print("(cases ms: the same figures counted from the cases alone, without the roll-up)")
    print(f"{'measure':<28} {'app ms':>8} {'cases ms':>9} {'floor ms':>9} {'ratio':>6}")
    app_total = cases_total = floor_total = 0.0
    for key in measures.MEASURES:
        app_ms, cases_ms, floor_ms = _time_measure(key, window, repeats, failures)
        app_total += app_ms
        cases_total += cases_ms
        floor_total += floor_ms
    print(
        f"{'all seven':<28} {app_total:>8.1f} {cases_total:>9.1f} {floor_total:>9.1f} "
        f"{app_total / floor_total:>6.2f}"
    )


def _caseload_query_counts(client: Any, url: str, filters: dict[str, str]) -> dict[int, int]:
    """The filtered caseload page's query count at page sizes 25 and 100."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    # The page size is changed where the caseload view reads it, wherever its views
    # module lives (a re-exported copy would leave the page at 25 both times).
    views: Any = sys.modules[resolve(url).func.__module__]
    counts = {}
    original = views.PAGE_SIZE
    try:
        for size in (25, 100):
            views.PAGE_SIZE = size
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, filters)
            assert response.status_code == 200, response.status_code
            counts[size] = len(queries)
    finally:
        views.PAGE_SIZE = original
    return counts


def _time_caseload(manager: Any, repeats: int, failures: list[str]) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(manager)
    url = reverse("complaints:list")
    filters = {"status": "investigating", "overdue": "on"}
    caseload_ms = _median_ms(lambda: client.get(url, filters), repeats)
    unfiltered_ms = _median_ms(lambda: client.get(url), repeats)
    counts = _caseload_query_counts(client, url, filters)
    print(f"\ncaseload list, status + overdue filters: {caseload_ms:.1f} ms (median)")
    print(f"caseload list, no filter:                {unfiltered_ms:.1f} ms (median)")
    print(f"queries at page size 25: {counts[25]}, at page size 100: {counts[100]}")
    if caseload_ms > CASELOAD_BUDGET_MS:
        failures.append(f"caseload: {caseload_ms:.0f} ms > {CASELOAD_BUDGET_MS} ms")
    if counts[25] != counts[100]:
        failures.append("caseload: the query count depends on the page size")


def run(repeats: int, rebuilds: bool = True) -> int:
    from django.contrib.auth.models import User

    from bench import complaints_rebuild

    manager = User.objects.get(username="bench_manager")
    failures: list[str] = []
    _time_measures(manager, repeats, failures)
    _time_caseload(manager, repeats, failures)
    if rebuilds:
        complaints_rebuild.run(_Window.for_user(manager), failures)
    print(f"\nover target: {len(failures)}")
    for line in failures:
        print(f"  {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.complaints", description=__doc__)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument(
        "--no-rebuilds", action="store_true", help="skip rebuilding the roll-up under reads"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    os.environ["WELLLED_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        print("bench.complaints needs PostgreSQL: set DATABASE_URL to a scratch database")
        return 2
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    from wellled.complaints.models import Complaint

    if args.reseed or Complaint.objects.count() != args.complaints:
        seed(args.complaints, args.sites)
    return run(args.repeats, rebuilds=not args.no_rebuilds)


if __name__ == "__main__":
    sys.exit(main())
