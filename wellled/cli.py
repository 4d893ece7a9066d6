"""The `wellled` command: Django's manage.py under the project's own name.

wellled demo          load the fictional demo trust (once)
wellled serve         web server plus background worker and scheduler
wellled api-token U   print user U's API token for scripts
wellled verify-audit  check the audit trail's hash chain
wellled spc           XmR charts for a CSV file (starts without Django)
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
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "spc":
        # The SPC command needs no database and no settings: it skips Django's start-up
        # (every app and its imports, over half a second), which an analyst's script that
        # charts many files would pay on every call. The management command is the same
        # code, for call_command and `wellled help spc`.
        # No linear algebra here: one thread for numpy's BLAS, not a pool per core that
        # starts with the process and competes with it for the CPU.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from wellled.engines.spc import cli as spc

        return spc.main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    from django.core.management import execute_from_command_line

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
