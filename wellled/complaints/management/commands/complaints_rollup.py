"""`wellled complaints_rollup`: check the measures' roll-up against the cases, or rebuild it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wellled.complaints import rollup_check, rollup_rebuild


class Command(BaseCommand):
    help = (
        "Compare every complaints measure read from the monthly roll-up with the same "
        "counted from the cases (the default), or count every case again (--rebuild)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="count every case again (after a bulk load outside the actions)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["rebuild"]:
            cases, cells = rollup_rebuild.rebuild()
            self.stdout.write(
                f"Counted {cases:,} cases into {cells:,} cells "
                f"in {time.perf_counter() - started:.1f} s"
            )
            return
        problems = rollup_check.check()
        for line in problems[:50]:
            self.stdout.write(line)
        if problems:
            raise CommandError(
                f"{len(problems)} figures differ from the cases: run "
                "`wellled complaints_rollup --rebuild`"
            )
        self.stdout.write(
            f"Every rolled-up measure matches the cases ({time.perf_counter() - started:.1f} s)"
        )
