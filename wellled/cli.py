"""The `wellled` command: Django's manage.py under the project's own name.

wellled demo          load the fictional demo trust (once)
wellled serve         web server plus background worker and scheduler
wellled api-token U   print user U's API token for scripts
wellled verify-audit  check the audit trail's hash chain
wellled audit-key     make the audit key, or sign a checkpoint
wellled <command>     any other Django management command
"""

from __future__ import annotations

import os
import sys


def command_name(name: str) -> str:
    """`verify-audit` on the command line is the `verify_audit` command module.

    Python modules cannot contain hyphens, and no Django command name does, so
    mapping every hyphen is safe.
    """
    return name if name.startswith("-") else name.replace("-", "_")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "wellled"
    if len(args) > 1:
        args[1] = command_name(args[1])
        # `wellled help verify-audit` too.
        if args[1] == "help" and len(args) > 2:
            args[2] = command_name(args[2])
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
