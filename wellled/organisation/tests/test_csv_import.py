"""Use case: a trust administrator imports sites and services from a CSV file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wellled.core.models import AuditEvent, Job
from wellled.core.testing import Trust
from wellled.organisation.csv_import import JOB_KIND, import_units_from_csv, template_csv
from wellled.organisation.models import OrgUnit, ServiceLine, Setting, UnitKind
from wellled.organisation.tests.support import error_texts

IMPORT = "/organisation/import/"
HEADER = "kind,name,ods_code,parent,address,postcode,service_line,setting,sites\n"


@pytest.fixture(autouse=True)
def _second_factor_off(settings) -> None:
    settings.WELLLED_REQUIRE_2FA = False


def _upload(client, text: str | bytes, name: str = "units.csv"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, raw, content_type="text/csv")})


def _run(client, text: str, django_capture_on_commit_callbacks) -> Job:
    """Upload through the page and let the job run, as the worker would after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, text)
    job = Job.objects.get(kind=JOB_KIND)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.id}/"
    job.refresh_from_db()
    return job


GOOD = HEADER + (
    "site,Lakeside Clinic,RZZ10,North hub,1 Lake Road,ab1 2cd,,,\n"
    'site,Meadow House,rzz11,north HUB,"2 Meadow Lane\nTown",,,,\n'
    "service,Memory service,,Adult mental health,,,mental_health,community,RZZ10;RZZ01\n"
    "service,Eating disorders,,Adult mental health,,,Mental health,Inpatient,RZZ11\n"
    ",,,,,,,,\n"
)


def test_a_good_file_creates_sites_and_services_in_place(
    trust: Trust, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("trust_admin")
    job = _run(client, GOOD, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.message == "Imported 2 sites and 2 services"
    lakeside = OrgUnit.objects.get(ods_code="RZZ10")
    meadow = OrgUnit.objects.get(ods_code="RZZ11")
    memory = OrgUnit.objects.get(name="Memory service")
    eating = OrgUnit.objects.get(name="Eating disorders")
    assert (lakeside.kind, lakeside.parent, lakeside.postcode) == (
        UnitKind.SITE,
        trust.hub,
        "AB1 2CD",
    )
    assert meadow.address == "2 Meadow Lane\nTown"
    assert lakeside.path == f"{trust.hub.path}{lakeside.pk}/"
    assert memory.path == f"{trust.care_group.path}{memory.pk}/"
    assert (memory.kind, memory.service_line, memory.setting) == (
        UnitKind.SERVICE,
        ServiceLine.MENTAL_HEALTH,
        Setting.COMMUNITY,
    )
    assert eating.setting == Setting.INPATIENT
    assert set(memory.sites.all()) == {lakeside, trust.site}
    assert list(eating.sites.all()) == [meadow]
    event = AuditEvent.objects.get(action="units.imported")
    assert event.after == {"sites": 2, "services": 2, "site_links": 3}
    assert not AuditEvent.objects.filter(action="unit.created", object_id=str(memory.pk)).exists()
    page = client.get(f"/jobs/{job.id}/").content.decode()
    assert "Imported 2 sites and 2 services" in page


def test_the_template_file_imports_into_the_test_trust(
    trust: Trust, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("trust_admin")
    response = client.get("/organisation/import/template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == template_csv()
    assert response.content.decode().startswith(HEADER.strip())
    job = _run(client, template_csv(), django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.result


BAD = HEADER + (
    "site,Good Site,RZZ20,North hub,,,,,\n"  # row 2: fine on its own
    "clinic,Odd,,North hub,,,,,\n"  # row 3: unknown kind
    "site,Lost Site,RZZ21,South hub,,,,,\n"  # row 4: unknown parent
    "service,Bad Line,,Adult mental health,,,cardiology,daycare,\n"  # row 5: two bad values
    "site,Copy Site,RZZ20,North hub,,,,,\n"  # row 6: ODS code used on row 2
    "site,Clash Site,RZZ01,North hub,,,,,\n"  # row 7: ODS code already in wellled
    "service,Wrong Parent,,North hub,,,mental_health,community,\n"  # row 8: a hub
    "service,Far Service,,Adult mental health,,,mental_health,community,RZZ99\n"  # row 9
    "site,Riverside Centre,,North hub,,,,,\n"  # row 10: name taken under that hub
    "site,,RZZ22,North hub,,,,,\n"  # row 11: no name
)


def test_a_file_with_mistakes_reports_every_row_and_creates_nothing(
    trust: Trust, client_for, django_capture_on_commit_callbacks
) -> None:
    before = OrgUnit.objects.count()
    client = client_for("trust_admin")
    job = _run(client, BAD, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("Nothing was imported: 10 problems found")
    errors = job.result["errors"]
    assert [error["row"] for error in errors] == [3, 4, 5, 5, 6, 7, 8, 9, 10, 11]
    messages = {error["row"]: error["message"] for error in errors}
    assert messages[3] == "'kind' must be site or service, not 'clinic'"
    assert messages[4] == "There is no hub or trust called or with the ODS code 'South hub'"
    assert messages[6] == "ODS code RZZ20 is also on row 2"
    assert messages[7] == "ODS code RZZ01 is already used by Riverside Centre"
    assert messages[8] == "'North hub' is a hub: a service must sit under a care group or trust"
    assert messages[9] == "No site has the ODS code RZZ99, in wellled or the file"
    assert messages[10] == "North hub already has a site called Riverside Centre"
    assert messages[11] == "Enter a name"
    row5 = [error["message"] for error in errors if error["row"] == 5]
    assert row5[0].startswith("'service_line' must be one of") and "not 'cardiology'" in row5[0]
    assert row5[1].startswith("'setting' must be one of") and "not 'daycare'" in row5[1]
    assert OrgUnit.objects.count() == before
    assert not AuditEvent.objects.filter(action="units.imported").exists()
    page = client.get(f"/jobs/{job.id}/").content.decode()
    assert "ODS code RZZ20 is also on row 2" in page
    assert 'href="/organisation/import/"' in page


def test_duplicate_ods_codes_within_the_file_and_against_wellled(trust: Trust) -> None:
    text = HEADER + (
        "site,One,RZZ30,North hub,,,,,\n"
        "site,Two,rzz30,North hub,,,,,\n"
        "site,Three,RZZ02,North hub,,,,,\n"
    )
    result = import_units_from_csv(acting_user=trust.people["trust_admin"], text=text)
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "ODS code RZZ30 is also on row 2"),
        (4, "ODS code RZZ02 is already used by Hilltop Clinic"),
    ]
    assert not OrgUnit.objects.filter(name__in=["One", "Two", "Three"]).exists()


def test_the_same_name_twice_under_one_parent_is_refused(trust: Trust) -> None:
    text = HEADER + "site,Twin,,North hub,,,,,\nsite,twin,,North hub,,,,,\n"
    result = import_units_from_csv(acting_user=trust.people["trust_admin"], text=text)
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "Row 2 already adds a site called twin")
    ]


def test_parents_outside_the_importers_area_are_refused(trust: Trust) -> None:
    from wellled.core.testing import make_user
    from wellled.organisation import actions
    from wellled.organisation.models import Role

    hub_admin = make_user("hub_admin")
    actions.grant_role(acting_user=None, user=hub_admin, role=Role.TRUST_ADMIN, unit=trust.hub)
    text = HEADER + (
        "site,Mine,,North hub,,,,,\n"
        "service,Not mine,,Adult mental health,,,mental_health,community,\n"
    )
    result = import_units_from_csv(acting_user=hub_admin, text=text)
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "You cannot add units to Adult mental health: it is outside your area")
    ]


def test_a_file_too_big_is_refused_before_any_job(trust: Trust, client_for) -> None:
    big = HEADER + "x" * (2 * 1024 * 1024)
    response = _upload(client_for("trust_admin"), big)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file must be smaller than 2 MB"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"kind,name,parent\nsite,Caf\xe9,North hub\n",
            "units.csv",
            "The file must be saved as UTF-8",
        ),
        (b"PK\x03\x04\x00\x00binary", "units.csv", "The file is not a CSV file"),
        (b"kind,name,parent\nsite,A,North hub\n", "units.xlsx", "The file must be a CSV file"),
        (b"name,ods_code\nA,RZZ40\n", "units.csv", "Row 1: the header has no 'kind', 'parent'"),
        (b"kind,name,parent,colour\n", "units.csv", "unknown columns 'colour'"),
        (b"kind,name,parent\n", "units.csv", "a header but no rows"),
        (b'kind,name,parent\nsite,"unclosed,North hub\n', "units.csv", "not a readable CSV"),
        (b"   \n", "units.csv", "The file is empty"),
    ],
)
def test_a_malformed_file_gets_a_clear_error(
    trust: Trust, client_for, content: bytes, name: str, message: str
) -> None:
    response = _upload(client_for("trust_admin"), content, name=name)
    assert response.status_code == 200
    assert message in error_texts(response)
    assert "There is a problem" in response.content.decode()
    assert not Job.objects.exists()


def test_an_excel_utf8_file_with_a_byte_order_mark_is_read(trust: Trust) -> None:
    from wellled.organisation.csv_import import decode_upload

    text = decode_upload(b"\xef\xbb\xbfKind,Name,Parent\r\nsite,Caf\xc3\xa9,North hub\r\n", "a.CSV")
    result = import_units_from_csv(acting_user=trust.people["trust_admin"], text=text)
    assert result.errors == [] and result.sites == 1
    assert OrgUnit.objects.filter(name="Café", parent=trust.hub).exists()


@pytest.mark.parametrize("persona", ["service_lead", "staff_member", "outsider"])
def test_only_admins_import(trust: Trust, client_for, persona: str) -> None:
    client = client_for(persona)
    assert client.get(IMPORT).status_code == 403
    assert client.get("/organisation/import/template.csv").status_code == 403
    assert _upload(client, GOOD).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
