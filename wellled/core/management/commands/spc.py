"""`wellled spc`: the SPC engine's command line, under the project's own command name.

The work is in wellled.engines.spc.cli, which needs neither Django nor a
database; this command only hands it the arguments.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wellled.engines.spc import cli


class Command(BaseCommand):
    # An analyst's CSV run must not depend on the database or the site's configuration.
    requires_system_checks: list[str] = []
    help = (
        "Making Data Count XmR charts for a CSV file: one output row per input row with "
        "mean, limits, point type, and the chart's variation and assurance icons. "
        "Needs no database. See docs/engines/spc.md."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        cli.add_arguments(parser)

    def run_from_argv(self, argv: list[str]) -> None:
        # The engine's own parser, so `wellled spc` and `python -m wellled.engines.spc.cli`
        # accept exactly the same arguments and give the same messages and exit codes.
        sys.exit(cli.main(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:
        namespace = argparse.Namespace(**options)
        try:
            cli.run(namespace, stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
        except cli.InputError as exc:
            raise CommandError(str(exc), returncode=cli.EXIT_BAD_INPUT) from None
