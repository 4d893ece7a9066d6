"""`wellled changepassword USERNAME`: Django's command, made a reset the owner is told of.

Django's own command only sets the password. This one goes through
`accounts.actions.reset_password`: the owner must choose their own password at
their next page, their sessions end, the reset is audited and they are emailed.
It replaces Django's because wellled.accounts comes before django.contrib.auth
in INSTALLED_APPS.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from wellled.accounts.actions import reset_password

MAX_TRIES = 3


class Command(changepassword.Command):
    help = (
        "Set a new password for USERNAME. They must replace it with their own at their "
        "next login, are logged out everywhere and are told by email."
    )

    def _ask(self, prompt: str) -> str:
        password = getpass.getpass(prompt=prompt)
        if not password:
            raise CommandError("Aborted: no password typed. Nothing was changed.")
        return password

    def handle(self, *args: Any, **options: Any) -> str:
        username: str = options["username"] or ""
        if not username:
            # Django's command would pick the server's own account name: too easy a slip.
            raise CommandError("Name the user whose password to reset: changepassword USERNAME")
        user = User.objects.using(options["database"]).filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}")
        self.stdout.write(f"Resetting the password of {username!r}")
        for _ in range(MAX_TRIES):
            first = self._ask("Password: ")
            second = self._ask("Password (again): ")
            if first != second:
                self.stdout.write("The passwords do not match. Please try again.")
                continue
            try:
                reset_password(acting_user=None, user=user, new_password=first)
            except ValidationError as exc:
                self.stderr.write("\n".join(exc.messages))
                continue
            told = (
                "They have been emailed about it."
                if user.email
                else "They have no email address: tell them yourself."
            )
            return (
                f"Password reset for {username!r}. They must choose their own when they "
                f"next log in, and have been logged out everywhere. {told}"
            )
        raise CommandError(f"The password of {username!r} is unchanged after {MAX_TRIES} tries")
