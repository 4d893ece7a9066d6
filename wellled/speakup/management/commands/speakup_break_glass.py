"""`wellled speakup_break_glass SU-XXXXXX --reason "..."`: open a case with the
recovery key. The private key is read from standard input (never an argument, which
would show in the process list and shell history). Audited, noted on the case, and
every guardian on the case is emailed. Prints the narrative and the messages.
"""

from __future__ import annotations

import base64
import binascii
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wellled.speakup import actions, crypto, queries
from wellled.speakup.models import Case


class Command(BaseCommand):
    help = "Open a speak-up case with the recovery key (break-glass; audited)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("reference")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(reference=options["reference"]).first()
        if case is None:
            raise CommandError("No case has that reference")
        line = sys.stdin.readline().strip()
        try:
            private = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise CommandError("Standard input must be the base64 recovery private key") from None
        try:
            key = actions.break_glass(
                acting_user=None, case=case, escrow_private_key=private, reason=options["reason"]
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(crypto.open_text(key, case.sealed_narrative))
        for message in queries.messages_for(case, key, for_reporter=False):
            self.stdout.write(f"--- {message.author_label}, {message.sent_label}\n{message.body}")
