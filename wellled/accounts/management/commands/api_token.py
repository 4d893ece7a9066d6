"""`wellled api-token USERNAME [--rotate]`: print a user's API token, alone on stdout.

wellled/cli.py turns `api-token` into this module's name, `api_token`. The token
lets whoever runs this act as USERNAME, so the action audits every run (even one
that only shows an existing token) and emails USERNAME; only the owner can make a
token for themselves on the web.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from wellled.accounts.actions import issue_api_token


class Command(BaseCommand):
    help = (
        "Print USERNAME's API token for scripts, making one if they have none. "
        "--rotate replaces it (the old token stops working). Only the token is "
        "printed, so `TOKEN=$(wellled api-token alice)` works. Whoever runs this sees "
        "the token, so each run is audited and USERNAME is told by email."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="replace the token with a new one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            # CommandError prints to stderr and exits with status 1.
            raise CommandError(f"There is no user called {username!r}")
        if not user.is_active:
            raise CommandError(f"The account {username!r} is deactivated")
        token, created = issue_api_token(acting_user=None, user=user, rotate=options["rotate"])
        if created and options["verbosity"] > 1:
            self.stderr.write("Made a new token.")
        self.stdout.write(token.key)
