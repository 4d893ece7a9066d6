from __future__ import annotations

import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wellled.core import audit
from wellled.core.models import AuditEvent

_HASH = re.compile(r"^[0-9a-f]{64}$")


class Command(BaseCommand):
    # An integrity check should run even when some module's code is broken.
    requires_system_checks: list[str] = []
    help = (
        "Check the audit trail's hash chain. Prints every broken link, naming the "
        "event, and exits 1 if there are any; otherwise prints the number of events "
        "and the head hash. Editing or deleting any event is detected, but deleting "
        "the newest events leaves a shorter chain that is still intact: record the "
        "head hash somewhere wellled cannot write (a ticket, the board papers, a "
        "write-once store) and pass it back with --expect-head to detect that too. "
        "Run it as `wellled verify-audit`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help=(
                "A head hash printed by an earlier run. Fails if no event has that hash "
                "any more (the newest events were deleted, or that event was altered). "
                "Events added since are reported, and are not a failure."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected_head: str | None = options["expect_head"]
        if expected_head is not None:
            expected_head = expected_head.strip().lower()
            if not _HASH.match(expected_head):
                raise CommandError("--expect-head must be a 64-character hexadecimal hash")

        problems = 0
        for problem in audit.verify_chain():
            problems += 1
            self.stdout.write(str(problem))

        head = audit.chain_head()
        head_hash = head.hash if head is not None else audit.GENESIS_HASH
        count = AuditEvent.objects.count()

        if expected_head is not None:
            problems += self._check_expected_head(expected_head, head)

        if problems:
            counted = "1 problem" if problems == 1 else f"{problems} problems"
            raise CommandError(f"The audit trail has {counted}.", returncode=1)

        self.stdout.write(
            self.style.SUCCESS(f"The audit trail is intact: {count} events, no problems.")
        )
        head_seq = head.seq if head is not None else 0
        self.stdout.write(f"Head: event #{head_seq} {head_hash}")
        self.stdout.write(
            "Record the head hash outside wellled; check against it later with "
            "`wellled verify-audit --expect-head HASH`."
        )

    def _check_expected_head(self, expected: str, head: AuditEvent | None) -> int:
        if expected == audit.GENESIS_HASH:
            # Recorded while the trail was empty: every chain extends that.
            return 0
        recorded = AuditEvent.objects.filter(hash=expected).first()
        if recorded is None:
            self.stdout.write(
                f"No event has the recorded head hash {expected}: the newest events have "
                "been deleted, or the recorded head event was altered."
            )
            return 1
        if head is not None and head.seq > recorded.seq:
            self.stdout.write(
                f"The recorded head is event #{recorded.seq}; "
                f"{head.seq - recorded.seq} events have been added since."
            )
        else:
            self.stdout.write(f"The head is event #{recorded.seq}, as recorded.")
        return 0
