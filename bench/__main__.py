"""`make bench`: load the demo trust into a fresh SQLite database and time it, then time
every page as every demo persona. Prints the figures; flags pages over 200 ms.

Run with DATABASE_URL set to measure PostgreSQL instead (the database is flushed first,
so never point it at real data).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

BUDGET_MS = 200
REPEATS = 5


def main() -> int:
    var_dir = tempfile.mkdtemp(prefix="wellled-bench-")
    os.environ.setdefault("WELLLED_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    os.environ["WELLLED_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.pages import page_urls
    from wellled.organisation import demo

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo trust loaded in {time.perf_counter() - started:.2f} s")

    usernames = [p.username for p in demo.PERSONAS] + [demo.OPERATOR_USERNAME]
    slow: list[str] = []
    print(f"\n{'persona':<20} {'page':<60} {'median ms':>10} {'max ms':>8}")
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in page_urls():
            timings = []
            status = 0
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
                status = response.status_code
            if status != 200:
                continue
            median = statistics.median(timings)
            print(f"{username:<20} {url:<60} {median:>10.1f} {max(timings):>8.1f}")
            if median > BUDGET_MS:
                slow.append(f"{username} {url} {median:.0f} ms")
    print(f"\npages over {BUDGET_MS} ms (median of {REPEATS}): {len(slow)}")
    for line in slow:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
