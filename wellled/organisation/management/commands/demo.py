"""`wellled demo`: load the fictional demo trust into an empty database."""

from __future__ import annotations

import importlib
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wellled.core import audit
from wellled.organisation import demo
from wellled.organisation.models import OrgUnit, Role, UnitKind

DEMO_URL = "http://127.0.0.1:8000/"

# Each module's demo data, loaded in this order after the trust itself. Each has
# `load_demo(result: DemoResult, *, seed: int) -> str`, returning one line to print.
MODULE_DEMOS: tuple[str, ...] = (
    "wellled.complaints.demo",
    "wellled.learning.demo",  # acts on the complaints' learning
    "wellled.speakup.demo",  # enrols the guardian, who owns assurance evidence
    "wellled.surveys.demo",
    "wellled.equality.demo",  # imports as the EDI lead and raises an EDI action
    "wellled.inspections.demo",
    "wellled.assurance.demo",  # after the modules whose measures become evidence
    "wellled.improvement.demo",  # acts on the self-assessment's statements
    "wellled.leadership.demo",  # walkrounds, with actions on the loop
    "wellled.involvement.demo",
    "wellled.reports.demo",
    "wellled.strategy.demo",  # the cascade, its reviews and the BAF
)


@contextmanager
def _one_load() -> Iterator[None]:
    """One transaction per module, its audit events appended in bulk at its end.

    A commit per action made the load wait on the disk thousands of times, and each
    event read the chain's head back; the chain written is the same either way
    (audit.bulk_append). A module that fails leaves nothing half-loaded.
    """
    with transaction.atomic(), audit.bulk_append():
        yield


class Command(BaseCommand):
    help = (
        "Load Wellford Community and Mental Health NHS Foundation Trust, a fictional trust "
        "with staff, sites, services and a login for every role. Loads only into a database "
        "with no trust in it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="If a trust already exists, change nothing and exit successfully.",
        )
        parser.add_argument(
            "--url",
            default=DEMO_URL,
            help=f"The address to tell people to open (default {DEMO_URL}); "
            "`make run PORT=8123` passes its own.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=f"Random seed for the staff (default {demo.DEFAULT_SEED}): "
            "the same seed gives the same trust.",
        )
        parser.add_argument(
            "--staff",
            type=int,
            default=demo.DEFAULT_STAFF,
            help=f"How many staff profiles to create (default {demo.DEFAULT_STAFF}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.url: str = options.get("url") or DEMO_URL
        staff_count: int = options["staff"]
        if not 0 <= staff_count <= 50_000:
            raise CommandError(f"--staff must be between 0 and 50000, not {staff_count}")
        existing = OrgUnit.objects.filter(kind=UnitKind.TRUST).first()
        if existing is not None:
            self._already_loaded(existing, if_empty=options["if_empty"])
            return
        if settings.PRODUCTION:
            # Every demo login shares a published password.
            raise CommandError(
                "WELLLED_PRODUCTION is on: the demo trust is never loaded into production."
            )
        self.stdout.write("Loading the demo trust. This is a fictional trust.")
        started = time.perf_counter()
        plan = demo.plan_demo(seed=options["seed"], staff_count=staff_count)
        try:
            with _one_load():
                result = demo.build_demo(plan)
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self._progress(
            0, f"Trust: {len(plan.staff):,} staff, their units and the demo logins", started
        )
        for number, module_name in enumerate(MODULE_DEMOS, start=1):
            loader = importlib.import_module(module_name)
            module_started = time.perf_counter()
            with _one_load():
                line = loader.load_demo(result, seed=plan.seed)
            self._progress(number, line, module_started)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {demo.TRUST_NAME} in {elapsed:.1f} seconds: "
                f"{len(plan.staff):,} staff, {plan.count(UnitKind.HUB)} hubs, "
                f"{plan.count(UnitKind.SITE)} sites, "
                f"{plan.count(UnitKind.CARE_GROUP)} care groups, "
                f"{plan.count(UnitKind.SERVICE)} services and {plan.count(UnitKind.TEAM)} teams "
                f"(seed {plan.seed})."
            )
        )
        self._print_logins()

    def _progress(self, number: int, line: str, started: float) -> None:
        # Flushed as each part finishes, so a slow machine shows where it is.
        took = time.perf_counter() - started
        self.stdout.write(f"  {line} [{number + 1}/{len(MODULE_DEMOS) + 1}, {took:.1f} s]")
        self.stdout.flush()

    def _already_loaded(self, existing: OrgUnit, *, if_empty: bool) -> None:
        is_demo = demo.find_demo_trust() is not None
        if not if_empty:
            raise CommandError(
                f"A trust already exists ({existing.name}). `wellled demo` loads only into an "
                "empty database and never changes or removes existing data. To see the demo, "
                "point DATABASE_URL or WELLLED_VAR_DIR at a new, empty database."
            )
        if not is_demo:
            self.stdout.write(
                f"A trust already exists ({existing.name}), so the demo was not loaded. "
                "Nothing changed."
            )
            return
        self.stdout.write(
            "The demo trust is already loaded; nothing changed. This is a fictional trust."
        )
        self._print_logins()

    def _print_logins(self) -> None:
        extra = {username: Role(role).label.lower() for username, role in demo.EXTRA_GRANTS}
        rows = [
            (
                persona.username,
                Role(persona.role).label
                + (f" and {extra[persona.username]}" if persona.username in extra else ""),
                demo.scope_label(persona),
            )
            for persona in demo.PERSONAS
        ]
        rows.append((demo.OPERATOR_USERNAME, "Platform operator (superuser)", "whole platform"))
        table = [("Username", "Role", "Where"), *rows]
        widths = [max(len(row[i]) for row in table) for i in (0, 1)]
        write = self.stdout.write
        write("")
        write(f"This is a fictional trust: {demo.TRUST_NAME}.")
        write("Every person, place and ODS code in it is made up.")
        write(f"Open {self.url} and sign in as any of these:")
        write("")
        write(f"  {'Username':<{widths[0]}}  {'Role':<{widths[1]}}  Where")
        for username, role, where in rows:
            write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {where}")
        write("")
        write(f"Password for every demo login (unless changed since): {demo.DEMO_PASSWORD}")
        if settings.WELLLED_REQUIRE_2FA:
            write(
                self.style.WARNING(
                    "Two-factor login is ON: privileged logins will be asked to set up an "
                    "authenticator app. `make run` turns it off with WELLLED_REQUIRE_2FA=false."
                )
            )
        else:
            write(
                "Two-factor login is off in the demo (`make run` sets WELLLED_REQUIRE_2FA=false); "
                "a banner says so on every page. Never turn it off in production."
            )
