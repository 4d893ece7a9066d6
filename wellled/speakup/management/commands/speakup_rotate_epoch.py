"""`wellled speakup_rotate_epoch [--if-due]`: start a new epoch key now (or only if
the current one is due to end). Re-sealing needs no guardian: only the outer layer
of each stored wrap changes. Safe to run again after an interruption."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from wellled.speakup import rotation


class Command(BaseCommand):
    help = "Start a new speak-up epoch key and destroy the old one (audited)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-due",
            action="store_true",
            help="Rotate only if the current epoch is WELLLED_SPEAKUP_EPOCH_DAYS old.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_due"]:
            done = rotation.rotate_epoch_if_due()
            if done is None:
                self.stdout.write("The current epoch is not due to end: nothing done.")
                return
        else:
            done = rotation.rotate_epoch(acting_user=None)
        self.stdout.write(
            f"Epoch {done.epoch.pk} started: {done.resealed} wraps re-sealed. "
            f"Kept the key of the previous epoch ({done.previous or 'none'}); "
            "older keys are destroyed."
        )
        if done.unreadable:
            self.stderr.write(
                f"{done.unreadable} wraps have no epoch key and cannot be opened: "
                "see 'Restoring' in docs/backup-and-restore.md."
            )
