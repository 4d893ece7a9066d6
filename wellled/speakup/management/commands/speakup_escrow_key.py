"""`wellled speakup_escrow_key`: make a recovery (escrow) key pair. Off by default.

Prints the public key for WELLLED_SPEAKUP_ESCROW_PUBLIC_KEY and the private key,
which must go straight to offline storage: whoever holds it can read every case
received while the public key is configured (see docs/speakup.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from wellled.speakup import crypto


class Command(BaseCommand):
    help = "Make a speak-up recovery key pair (print the public and private halves)."

    def handle(self, *args: Any, **options: Any) -> None:
        public, private = crypto.new_escrow_key_pair()
        self.stdout.write(f"WELLLED_SPEAKUP_ESCROW_PUBLIC_KEY={public}")
        self.stdout.write(f"private (keep offline, never on this server): {private}")
