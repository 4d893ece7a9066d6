"""Use case: an analyst or the board's reporting tools read WRES and WDES from
/api/v1/equality/, with the pages' permissions: the EDI lead and the board read
aggregates; staff get nothing; no person's record is there to give."""

from __future__ import annotations

from typing import Any

import pytest

from wellled.core.testing import Trust
from wellled.equality.tests.support import COUNTS, store_year

pytestmark = pytest.mark.django_db

LATER = COUNTS.replace("appointed,white,600", "appointed,white,560").replace(
    "appointed,bme,120", "appointed,bme,225"
)


def test_the_edi_lead_reads_each_indicator_with_its_interval_flags_and_direction(
    trust: Trust, api_for: Any
) -> None:
    store_year(2024)
    held = store_year(2025, LATER)
    listed = api_for("edi_lead").get("/api/v1/equality/years/").json()
    assert [(y["standard"], y["year"]) for y in listed["results"]] == [
        ("WRES", 2024),
        ("WRES", 2025),
    ]
    assert listed["results"][1]["figure_count"] == len(LATER.strip().splitlines()) - 1
    detail = api_for("edi_lead").get(f"/api/v1/equality/years/{held.pk}/").json()
    by_id = {i["id"]: i for i in detail["indicators"]}
    recruitment = by_id["WRES:2"]
    assert recruitment["direction"] == "closer_to_one"
    assert recruitment["ci_low"] < recruitment["ratio"] < recruitment["ci_high"]
    assert recruitment["change"] == "improved"  # 2.0 in 2024, about 0.9 in 2025
    assert recruitment["unknown_left_out"] == 40
    survey = by_id["WRES:8"]
    assert survey["groups"][0] == {
        "group": "bme",
        "name": "BME",
        "percent": None,
        "responses": None,
        "suppressed": True,  # 9 responses: under 11, not shown
    }


def test_the_board_reads_aggregates_and_staff_read_nothing(trust: Trust, api_for: Any) -> None:
    held = store_year(2024)
    board = api_for("board_member").get(f"/api/v1/equality/years/{held.pk}/")
    assert board.status_code == 200
    assert "imported_by" not in board.json()  # who imported is not the reader's concern
    staff = api_for("staff_member")
    assert staff.get("/api/v1/equality/years/").json()["count"] == 0
    assert staff.get(f"/api/v1/equality/years/{held.pk}/").status_code == 404


def test_filters_are_checked(trust: Trust, api_for: Any) -> None:
    store_year(2024)
    store_year(2024, standard="WDES", text=WDES_COUNTS)
    api = api_for("edi_lead")
    wdes = api.get("/api/v1/equality/years/?standard=WDES").json()["results"]
    assert [y["standard"] for y in wdes] == ["WDES"]
    assert api.get("/api/v1/equality/years/?year=2023").json()["count"] == 0
    bad = api.get("/api/v1/equality/years/?standard=RACE")
    assert bad.status_code == 400 and "standard" in bad.json()
    assert api.get("/api/v1/equality/years/?year=last").status_code == 400
    assert api.get("/api/v1/equality/years/x/").status_code == 404


WDES_COUNTS = """measure,group,count
shortlisted,non_disabled,1000
appointed,non_disabled,250
shortlisted,disabled,100
appointed,disabled,20
"""
