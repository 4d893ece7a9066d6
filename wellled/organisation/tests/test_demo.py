"""Loading the fictional demo trust: `wellled demo`, as `make run` calls it."""

from __future__ import annotations

import hashlib
import time
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.organisation import demo
from wellled.organisation.access import Cap, can
from wellled.organisation.models import (
    OrgUnit,
    Role,
    RoleAssignment,
    ServiceLine,
    Setting,
    StaffProfile,
    UnitKind,
)


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        OrgUnit.objects.count(),
        StaffProfile.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )


class TestPlan:
    def test_the_same_seed_plans_the_same_trust(self) -> None:
        first = demo.plan_demo(seed=7, staff_count=500)
        second = demo.plan_demo(seed=7, staff_count=500)
        assert first == second
        assert demo.fingerprint_plan(first) == demo.fingerprint_plan(second)

    def test_the_plan_is_the_same_on_every_machine(self) -> None:
        # Catches anything that varies between runs or platforms (set order,
        # hash seeds, float rounding). Editing the demo data changes this digest
        # on purpose: print the new one, check the change was meant, paste it in.
        lines = demo.fingerprint_plan(demo.plan_demo(staff_count=200))
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        assert digest == "08ff3fd4f1e91c0c4c529a66abc21f8a9c523a350cb457a1c7f65c2e895b7890"

    def test_another_seed_changes_the_staff_but_not_the_structure(self) -> None:
        first = demo.plan_demo(seed=1, staff_count=500)
        second = demo.plan_demo(seed=2, staff_count=500)
        assert first.units == second.units
        assert [p.full_name for p in first.staff] != [p.full_name for p in second.staff]

    def test_staff_count_is_exact_plus_one_profile_per_persona(self) -> None:
        plan = demo.plan_demo(staff_count=1234)
        assert len(plan.staff) == 1234 + len(demo.PERSONAS)

    def test_every_role_has_a_persona(self) -> None:
        held = [persona.role for persona in demo.PERSONAS] + [r for _, r in demo.EXTRA_GRANTS]
        assert sorted(held) == sorted(Role.values)
        usernames = [persona.username for persona in demo.PERSONAS]
        assert len(set(usernames)) == len(usernames)
        assert demo.OPERATOR_USERNAME not in usernames

    def test_codes_addresses_and_emails_are_made_up(self) -> None:
        plan = demo.plan_demo(staff_count=300)
        codes = [unit.ods_code for unit in plan.units if unit.ods_code]
        assert all(code.startswith("RZZ") for code in codes)
        assert len(set(codes)) == len(codes)
        assert all(unit.postcode.startswith("WL") for unit in plan.units if unit.postcode)
        assert all(person.email.endswith("@wellford.example") for person in plan.staff)
        assert len({person.staff_number for person in plan.staff if person.staff_number}) == 300

    def test_negative_staff_count_is_refused(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            demo.plan_demo(staff_count=-1)


@pytest.mark.django_db
class TestBuild:
    def test_the_database_holds_exactly_the_plan(self) -> None:
        plan = demo.plan_demo(seed=11, staff_count=150)
        demo.build_demo(plan)
        assert demo.fingerprint_database() == demo.fingerprint_plan(plan)

    def test_staff_are_one_audit_event_and_the_chain_holds(self) -> None:
        demo.build_demo(demo.plan_demo(staff_count=200))
        assert AuditEvent.objects.filter(action="staff.imported").count() == 1
        # Only the personas' own profiles are written one by one.
        assert AuditEvent.objects.filter(action="staff.created").count() == len(demo.PERSONAS)
        assert list(audit.verify_chain()) == []

    def test_full_size_trust_has_the_shape_of_a_real_one(self) -> None:
        started = time.perf_counter()
        demo.load_demo()
        assert time.perf_counter() - started < 30

        assert StaffProfile.objects.count() >= 4500
        assert OrgUnit.objects.filter(kind=UnitKind.SITE).count() >= 50
        assert OrgUnit.objects.filter(kind=UnitKind.HUB).count() == 4
        hubs = OrgUnit.objects.filter(kind=UnitKind.HUB)
        assert all(hub.children.filter(kind=UnitKind.SITE).count() >= 10 for hub in hubs)
        covered = set(
            OrgUnit.objects.filter(kind=UnitKind.SERVICE).values_list("service_line", "setting")
        )
        assert covered == {(line, where) for line in ServiceLine.values for where in Setting.values}
        services = OrgUnit.objects.filter(kind=UnitKind.SERVICE)
        assert all(service.children.exists() and service.sites.exists() for service in services)
        assert not OrgUnit.objects.filter(kind=UnitKind.TEAM, sites=None).exists()
        for role in Role.values:
            grant = RoleAssignment.objects.get(role=role)
            assert grant.user.staff_profile.full_name
            assert grant.user.check_password(demo.DEMO_PASSWORD)
        assert User.objects.get(username="operator").is_superuser

    def test_personas_hold_their_roles_where_the_table_says(self) -> None:
        demo.build_demo(demo.plan_demo(staff_count=100))
        lead = User.objects.get(username="service.lead")
        member = User.objects.get(username="staff")
        admin = User.objects.get(username="admin")
        own_service = OrgUnit.objects.get(
            kind=UnitKind.SERVICE, name="Adult community mental health"
        )
        other_service = OrgUnit.objects.get(kind=UnitKind.SERVICE, name="Health visiting")
        assert member.staff_profile.unit.parent == own_service
        assert can(lead, Cap.VIEW_STAFF, member.staff_profile.unit)
        assert not can(lead, Cap.VIEW_STAFF, other_service)
        assert can(admin, Cap.MANAGE_ORGANISATION, other_service)
        assert not can(member, Cap.VIEW_STAFF, own_service)

    def test_a_taken_username_refuses_and_writes_nothing(self) -> None:
        User.objects.create_user("guardian", "g@example.org", "an-old-password-here")
        with pytest.raises(demo.DemoRefused, match="guardian"):
            demo.build_demo(demo.plan_demo(staff_count=10))
        assert not OrgUnit.objects.exists()
        assert not AuditEvent.objects.exists()


@pytest.fixture
def trust_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command with no module demos: for tests of what the command itself does.
    The modules' two years of cases take minutes; one test loads them all."""
    from wellled.organisation.management.commands import demo as command

    monkeypatch.setattr(command, "MODULE_DEMOS", ())


@pytest.mark.django_db
class TestCommand:
    def test_loads_and_prints_every_login(self, settings) -> None:
        settings.WELLLED_REQUIRE_2FA = False  # as `make run` sets it
        output = run_demo("--staff", "40")
        # One line per module's demo.
        for start in (
            "Complaints:",
            "Learning:",
            "speakup:",
            "Staff survey:",
            "Workforce equality:",
            "Inspections:",
            "CQC assurance:",
            "Reports:",
        ):
            assert f"\n  {start} " in output
        assert "This is a fictional trust" in output
        assert "http://127.0.0.1:8000/" in output
        assert demo.DEMO_PASSWORD in output
        assert "Two-factor login is off" in output
        for persona in demo.PERSONAS:
            assert persona.username in output
            assert Role(persona.role).label in output
        assert "Adult community mental health" in output
        assert "operator" in output
        assert StaffProfile.objects.count() == 40 + len(demo.PERSONAS)

    def test_names_the_address_make_run_was_given(self, trust_only: None) -> None:
        """Issue #15, finding 8: `make run PORT=8123` printed port 8000."""
        output = run_demo("--staff", "5", "--url", "http://127.0.0.1:8123/")
        assert "Open http://127.0.0.1:8123/ and sign in" in output
        assert "8000" not in output

    def test_if_empty_twice_loads_once(self, trust_only: None) -> None:
        run_demo("--if-empty", "--staff", "30")
        before = counts()
        output = run_demo("--if-empty", "--staff", "30")
        assert counts() == before
        assert "already loaded" in output
        assert demo.DEMO_PASSWORD in output

    def test_refuses_when_the_demo_is_already_there(self, trust_only: None) -> None:
        run_demo("--staff", "20")
        before = counts()
        with pytest.raises(CommandError, match="already exists"):
            run_demo("--staff", "20")
        assert counts() == before

    def test_refuses_when_a_real_trust_exists(self, trust: Trust) -> None:
        before = counts()
        with pytest.raises(CommandError, match="Test Community Trust"):
            run_demo()
        assert counts() == before

    def test_if_empty_leaves_a_real_trust_alone_and_prints_no_logins(self, trust: Trust) -> None:
        before = counts()
        output = run_demo("--if-empty")
        assert counts() == before
        assert "Nothing changed" in output
        assert demo.DEMO_PASSWORD not in output

    def test_the_same_seed_gives_the_same_data(self, trust_only: None) -> None:
        run_demo("--seed", "99", "--staff", "60")
        loaded = demo.fingerprint_database()
        assert loaded == demo.fingerprint_plan(demo.plan_demo(seed=99, staff_count=60))
        assert loaded != demo.fingerprint_plan(demo.plan_demo(seed=98, staff_count=60))

    def test_never_loads_in_production(self, settings) -> None:
        settings.PRODUCTION = True
        with pytest.raises(CommandError, match="production"):
            run_demo("--staff", "10")
        assert not OrgUnit.objects.exists()

    def test_rejects_a_silly_staff_count(self) -> None:
        with pytest.raises(CommandError, match="--staff"):
            run_demo("--staff", "-5")
        assert not OrgUnit.objects.exists()

    def test_warns_when_two_factor_login_is_on(self, settings, trust_only: None) -> None:
        settings.WELLLED_REQUIRE_2FA = True
        output = run_demo("--staff", "10")
        assert "Two-factor login is ON" in output
