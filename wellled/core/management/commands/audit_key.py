from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wellled.core import audit, audit_keys


class Command(BaseCommand):
    help = (
        "Provision the audit trail's key, or sign a checkpoint now. `wellled audit-key "
        "create` writes WELLLED_AUDIT_KEY_FILE once, anchored to the chain's current "
        "head, so the events already written keep verifying; run it before the first "
        "start in production and back the file up away from the database. `wellled "
        "audit-key checkpoint` appends a signed record of the head to "
        "WELLLED_AUDIT_CHECKPOINT_FILE (the scheduler does this hourly)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["create", "checkpoint"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            checkpoint = audit.write_checkpoint()
            if checkpoint is None:
                self.stdout.write("The audit trail is empty: no checkpoint written.")
            else:
                self.stdout.write(
                    f"Checkpoint written: event #{checkpoint.seq} {checkpoint.hash} "
                    f"to {audit_keys.checkpoint_path()}"
                )
            return
        head = audit.chain_head()
        try:
            key = audit_keys.create_key(
                keyed_from=head.seq + 1 if head is not None else 1,
                anchor_hash=head.hash if head is not None else audit.GENESIS_HASH,
            )
        except audit_keys.AuditKeyError as error:
            raise CommandError(f"{error}: it is never replaced.") from None
        self.stdout.write(
            f"Audit key written to {audit_keys.key_path()}: it signs events from "
            f"#{key.keyed_from} on; the {key.keyed_from - 1} before it are anchored by "
            f"hash {key.anchor_hash}. Back the file up away from the database."
        )
