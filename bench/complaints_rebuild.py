"""The roll-up rebuilt while the board reads its measures (part of `python -m bench.complaints`).

Each way of rebuilding runs while a reader on another connection reads one measure
(responses by the agreed date, month x service, the measures page's query) over and
over. Reported, for each, as ratios to the same read's median on an idle database
(the peer, measured in the same run):

* the longest lock held: the longest transaction that wrote (the whole rebuild when
  it is one transaction), which is as long as an action or a reader may wait;
* the longest read during the rebuild, and how many reads answered;
* whether every read during it gave the figures read before it (the seeded
  roll-up is right, so a rebuild must not change what the board sees).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

KEY = "responded_by_agreed_date"


def _reader(window: Any) -> Callable[[], Any]:
    from wellled.complaints import measures

    def read() -> Any:
        return measures.measure_table(
            KEY,
            start=window.start,
            end=window.end,
            breakdown="service",
            paths=window.paths,
            today=window.today,
        )

    return read


def _under_reads(
    read: Callable[[], Any], rebuild: Callable[[], float]
) -> tuple[float, float, list[Any]]:
    """Run `rebuild` (which returns its longest lock, s) while `read` runs in a loop on
    another connection. Returns (rebuild s, longest lock s, [(read ms, figures)])."""
    from django.db import connection

    stop = threading.Event()
    reads: list[Any] = []

    def loop() -> None:
        try:
            while not stop.is_set():
                started = time.perf_counter()
                figures = read()
                reads.append(((time.perf_counter() - started) * 1000, figures))
        finally:
            connection.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    time.sleep(0.5)
    started = time.perf_counter()
    held = rebuild()
    took = time.perf_counter() - started
    time.sleep(0.5)
    stop.set()
    thread.join()
    return took, held, reads


def _at_once() -> float:
    from wellled.complaints import rollup

    started = time.perf_counter()
    rollup.rebuild_at_once()
    return time.perf_counter() - started


def _in_short_transactions() -> float:
    from wellled.complaints import rollup_rebuild

    held: list[float] = [0.0]
    rollup_rebuild.rebuild(on_step=lambda _step, seconds: held.append(seconds))
    return max(held)


def run(window: Any, failures: list[str]) -> None:
    read = _reader(window)
    read()
    before = read()
    idle: list[float] = []
    for _ in range(7):
        started = time.perf_counter()
        read()
        idle.append((time.perf_counter() - started) * 1000)
    peer = statistics.median(idle)
    print(f"\nroll-up rebuilt while {KEY} is read (idle read: median {peer:.1f} ms)")
    print(
        f"{'rebuild':<26} {'took s':>7} {'lock s':>7} {'lock/read':>10} "
        f"{'reads':>6} {'max read ms':>12} {'max/read':>9} {'same':>5}"
    )
    for name, rebuild in (
        ("at once (before)", _at_once),
        ("short transactions", _in_short_transactions),
    ):
        took, held, reads = _under_reads(read, rebuild)
        longest = max((ms for ms, _ in reads), default=0.0)
        same = all(figures == before for _, figures in reads)
        print(
            f"{name:<26} {took:>7.1f} {held:>7.2f} {held * 1000 / peer:>9.0f}x "
            f"{len(reads):>6} {longest:>12.0f} {longest / peer:>8.0f}x {'yes' if same else 'NO':>5}"
        )
        if not same:
            failures.append(f"rebuild {name}: a read during it gave other figures")
