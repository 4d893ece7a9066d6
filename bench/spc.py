"""`make bench-spc`: time the SPC engine on the issue's two workloads, optionally beside
the Python packages abspc and controlchartspy, in the same run on the same machine.

    python -m bench.spc                 # this engine only (seconds)
    python -m bench.spc --peers         # also abspc and controlchartspy (many minutes)
    python -m bench.spc --peers --peer-venv /tmp/spc-peers   # reuse an existing venv

Workloads: 1 series of 1,000,000 points, and 10,000 series of 36 points, all four
rules on, with a target (so the assurance icon is computed too). Each measurement
runs in a fresh worker process so that its peak memory is its own. The peers are
installed from PyPI into a temporary virtualenv, never into the project's.

The same data is also written as CSV (daily dates for the long series, monthly for the
many short ones) and charted by the `wellled spc` command as a whole process:
interpreter start, reading, the engine and writing the output file. Its figure is set
beside the peers' computation alone, and beside the row-by-row reader and writer the
command had before (kept in wellled/engines/spc/tests/legacy_cli.py, run once, without
the Django start-up the command also paid then); the two outputs must be identical.

This file is also the worker (`python bench/spc.py --worker ...`): at module level it
imports only the standard library, so it runs inside the peers' virtualenv too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PEERS = ("abspc", "controlchartspy")
WORKLOADS = {
    "1x1000000": (1, 1_000_000),
    "10000x36": (10_000, 36),
}
TARGET_SECONDS = 0.5
TARGET_PEAK_MB = 1024
TARGET_SPEEDUP = 100
# The whole command (start to output file) against the peers' computation alone.
COMMAND_TARGET_SPEEDUP = 10
COMMAND_TARGET_SECONDS = 2.0
COMMAND_REPEATS = 3
REPEATS = 5
SEED = 20261125
# Each run's figures (or its error), by (profile or peer, workload).
Results = dict[tuple[str, str], dict[str, Any]]


# --- data -------------------------------------------------------------------------------------


def make_data(path: Path, rows: int, cols: int) -> None:
    """Noise around 100 with level shifts, a ramp and outliers, so that every rule fires."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    data = rng.normal(100.0, 10.0, size=(rows, cols))
    shift_at = rng.integers(cols // 3, cols, size=rows)
    steps = np.arange(cols)[None, :] >= shift_at[:, None]
    data += np.where(steps, rng.choice([-15.0, 15.0], size=rows)[:, None], 0.0)
    ramp = min(cols, 8)
    data[:, :ramp] += np.linspace(-20.0, 20.0, ramp)
    spikes = rng.random(size=data.shape) < 0.005
    data[spikes] += 60.0
    if rows == 1:
        # Long series: a change of level every 5,000 points, like a rebased real series.
        data[0] += np.repeat(rng.normal(0.0, 8.0, cols // 5000 + 1), 5000)[:cols]
    np.save(path, np.round(data, 1))


def make_csv(data_path: Path, csv_path: Path) -> list[str]:
    """The workload as the CSV an analyst would chart; returns the command's arguments."""
    import numpy as np

    data = np.load(data_path)
    rows, cols = data.shape
    with csv_path.open("w", encoding="utf-8") as handle:
        if rows == 1:
            days = np.datetime64("1900-01-01") + np.arange(cols)
            dates = np.datetime_as_string(days).tolist()
            handle.write("date,value\n")
            handle.writelines(f"{d},{v}\n" for d, v in zip(dates, data[0].tolist(), strict=True))
            return ["--value", "value", "--date", "date"]
        months = np.datetime_as_string(np.datetime64("2021-01") + np.arange(cols)).tolist()
        handle.write("unit,month,value\n")
        for r, series in enumerate(data.tolist()):
            handle.writelines(f"U{r:05d},{m}-01,{v}\n" for m, v in zip(months, series, strict=True))
        return ["--value", "value", "--date", "month", "--group", "unit"]


# --- workers (run in a fresh process) --------------------------------------------------------


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_engine(data_path: str, repeats: int, profile: str) -> dict[str, Any]:
    import numpy as np

    from wellled.engines.spc import xmr

    data = np.load(data_path)
    values = data[0] if data.shape[0] == 1 else data

    def once() -> Any:
        return xmr(values, improvement="increase", target=100.0, profile=profile)

    tracemalloc.start()
    started = time.perf_counter()
    result = once()
    first = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    timings = [first]
    for _ in range(repeats - 1):
        started = time.perf_counter()
        once()
        timings.append(time.perf_counter() - started)
    special = int((result.point_type != 0).sum())
    return {
        "first_s": first,
        "best_s": min(timings),
        "median_s": sorted(timings)[len(timings) // 2],
        "traced_peak_mb": traced_peak / 2**20,
        "rss_peak_mb": _peak_rss_mb(),
        "special_cause_points": special,
        "variation": sorted(set(result.variation_labels().tolist())),
    }


def worker_abspc(data_path: str) -> dict[str, Any]:
    import abspc
    import numpy as np
    import pandas as pd

    data = np.load(data_path)
    started, cpu = time.perf_counter(), time.process_time()
    special = 0
    for row in data:
        frame = abspc.calculate_control_limits(pd.DataFrame({"value": row}), "XmR")
        frame = abspc.detect_special_causes(frame)
        abspc.determine_point_colours(frame, improvement_direction="high")
        abspc.determine_variation_type(frame, improvement_direction="high")
        abspc.determine_assurance_type(frame, 100.0, improvement_direction="high")
        special += int(frame["special_cause"].astype(bool).sum())
    seconds = time.perf_counter() - started
    return {
        "first_s": seconds,
        "cpu_s": time.process_time() - cpu,
        "rss_peak_mb": _peak_rss_mb(),
        "special_cause_points": special,
    }


def worker_controlchartspy(data_path: str) -> dict[str, Any]:
    import datetime as dt

    import controlchartspy
    import numpy as np

    data = np.load(data_path)
    start = dt.date(1900, 1, 1)
    keys = [(start + dt.timedelta(days=i)).isoformat() for i in range(data.shape[1])]
    outliers = {
        "improvement_direction": "increase",
        "astronomical": True,
        "shift": True,
        "shift_n": 6,
        "trend": True,
        "trend_n": 6,
        "two_in_three": True,
    }
    started, cpu = time.perf_counter(), time.process_time()
    special = 0
    for row in data:
        chart = controlchartspy.spc(
            {"k": keys, "v": row.tolist()},
            keys="k",
            numerators="v",
            spc_settings={"outliers_in_limits": True},
            outlier_settings=outliers,
            nhs_icon_settings={"show_variation_icons": True, "show_assurance_icons": True},
            return_objs="limits",
        )
        flags = ("astpoint", "trend", "shift", "two_in_three")
        special += sum(any(p[f] != "none" for f in flags) for p in chart.limits)
    seconds = time.perf_counter() - started
    return {
        "first_s": seconds,
        "cpu_s": time.process_time() - cpu,
        "rss_peak_mb": _peak_rss_mb(),
        "special_cause_points": special,
    }


def run_worker(args: argparse.Namespace) -> int:
    if args.worker == "engine":
        out = worker_engine(args.data, args.repeats, args.profile)
    elif args.worker == "abspc":
        out = worker_abspc(args.data)
    else:
        out = worker_controlchartspy(args.data)
    print(json.dumps(out))
    return 0


# --- driver -----------------------------------------------------------------------------------


def spawn(python: str, tool: str, data: Path, timeout: float, **extra: Any) -> dict[str, Any]:
    command = [python, str(Path(__file__).resolve()), "--worker", tool, "--data", str(data)]
    for key, value in extra.items():
        command += [f"--{key}", str(value)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        done = subprocess.run(  # noqa: S603 - our own worker, our own arguments
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"failed: {tail}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_command(argv: list[str], out: Path) -> dict[str, Any]:
    """One whole run of a command: wall time, CPU time and peak memory, from the OS."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            argv,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0 or not out.exists():
            errors.seek(0)
            tail = (errors.read().decode().strip().splitlines() or ["no output"])[-1]
            return {"error": f"failed: {tail}"}
    return {
        "first_s": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_peak_mb": usage.ru_maxrss / 1024,
    }


def time_command(csv_path: Path, args: list[str], repeats: int) -> dict[str, dict[str, Any]]:
    """`wellled spc` as a whole process (best of `repeats`), and the reader and writer it
    had before (once), on the same CSV; each result says whether the outputs match."""
    out, before_out = csv_path.with_suffix(".out.csv"), csv_path.with_suffix(".before.csv")
    options = ["--improvement", "increase", "--target", "100"]
    script = Path(sys.executable).with_name("wellled")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wellled.cli"]
    runs = [
        run_command([*command, "spc", str(csv_path), *args, *options, "--output", str(out)], out)
        for _ in range(repeats)
    ]
    legacy = (
        "import sys; from wellled.engines.spc.tests import legacy_cli; "
        "sys.exit(legacy_cli.main(sys.argv[1:]))"
    )
    before = run_command(
        [sys.executable, "-c", legacy, str(csv_path), *args, *options, "--output", str(before_out)],
        before_out,
    )
    failed = next((r for r in runs if "error" in r), None)
    if failed is not None:
        return {"command": failed, "before": before}
    timings = [r["first_s"] for r in runs]
    ours = dict(runs[0], first_s=timings[0], best_s=min(timings))
    ours["rss_peak_mb"] = max(r["rss_peak_mb"] for r in runs)
    if "error" not in before:
        ours["same_output"] = out.read_bytes() == before_out.read_bytes()
    return {"command": ours, "before": before}


def peer_python(venv: Path | None, scratch: Path) -> tuple[str | None, str]:
    """A virtualenv with both peers, installed from PyPI; (python, how it went)."""
    if venv is not None and (venv / "bin" / "python").exists():
        return str(venv / "bin" / "python"), f"reused {venv}"
    venv = scratch / "peers-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *PEERS]
    done = subprocess.run(  # noqa: S603 - pip from the fresh venv, fixed package names
        pip,
        capture_output=True,
        text=True,
        env=dict(os.environ, PIP_CONFIG_FILE=os.devnull),
        check=False,
    )
    if done.returncode != 0:
        return None, "pip install failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    versions = subprocess.run(  # noqa: S603
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = [line for line in versions.splitlines() if line.split("==")[0].lower() in PEERS]
    return str(venv / "bin" / "python"), "installed from PyPI: " + ", ".join(found)


def fmt(result: dict[str, Any], key: str, unit: str, digits: int = 3) -> str:
    if "error" in result:
        return result["error"]
    return f"{result[key]:.{digits}f} {unit}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.spc", description=__doc__)
    parser.add_argument(
        "--peers", action="store_true", help="also measure abspc and controlchartspy"
    )
    parser.add_argument("--peer-venv", type=Path, help="reuse a virtualenv that has both peers")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per peer run")
    parser.add_argument("--worker", choices=("engine", *PEERS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--profile", default="mdc_excel_v5", help=argparse.SUPPRESS)
    return parser


def _make_workloads(scratch: Path) -> dict[str, Path]:
    files = {}
    for name, (rows, cols) in WORKLOADS.items():
        files[name] = scratch / f"{name}.npy"
        make_data(files[name], rows, cols)
    return files


def _time_engine(files: dict[str, Path], repeats: int) -> Results:
    """Every profile of this engine on every workload, each in a fresh worker."""
    from wellled.engines.spc import PROFILES

    results: Results = {}
    for name in WORKLOADS:
        for profile in PROFILES:
            results[(profile, name)] = spawn(
                sys.executable,
                "engine",
                files[name],
                600,
                repeats=repeats,
                profile=profile,
            )
    return results


def _time_peers(
    args: argparse.Namespace, scratch: Path, files: dict[str, Path], results: Results
) -> str:
    """Adds both peers' runs to `results` (with --peers); returns how the peers went."""
    if not args.peers:
        return "not measured (run with --peers)"
    python, peer_note = peer_python(args.peer_venv, scratch)
    for name in WORKLOADS:
        for peer in PEERS:
            if python is None:
                results[(peer, name)] = {"error": peer_note}
            else:
                print(f"running {peer} on {name} ...", flush=True)
                results[(peer, name)] = spawn(python, peer, files[name], args.timeout)
    return peer_note


def _time_commands(files: dict[str, Path], results: Results) -> None:
    """Adds ("command", workload) and ("before", workload) for every workload."""
    for name in WORKLOADS:
        print(f"running wellled spc on {name}.csv ...", flush=True)
        csv_path = files[name].with_suffix(".csv")
        args = make_csv(files[name], csv_path)
        for tool, result in time_command(csv_path, args, COMMAND_REPEATS).items():
            results[(tool, name)] = result


def _print_table(results: Results) -> None:
    from wellled.engines.spc import PROFILES

    commands = {key: r for key, r in results.items() if key[0] in ("command", "before")}
    results = {key: r for key, r in results.items() if key not in commands}

    header = f"{'tool':<26} {'workload':<10} {'first':>10} {'best':>10} {'peak':>16} {'RSS':>10}"
    print(header)
    print("-" * len(header))
    for (tool, name), r in results.items():
        label = f"wellled spc ({tool})" if tool in PROFILES else tool
        best = fmt(r, "best_s", "s") if "best_s" in r else ""
        traced = fmt(r, "traced_peak_mb", "MB traced", 1) if "traced_peak_mb" in r else ""
        rss = fmt(r, "rss_peak_mb", "MB", 0) if "error" not in r else ""
        print(
            f"{label:<26} {name:<10} {fmt(r, 'first_s', 's'):>10} {best:>10} {traced:>16} {rss:>10}"
        )
    print("\nthe command as a whole process, CSV in and CSV out:\n")
    header = f"{'command':<26} {'workload':<10} {'first':>10} {'best':>10} {'CPU':>10} {'RSS':>10}"
    print(header)
    print("-" * len(header))
    for (tool, name), r in commands.items():
        label = "wellled spc" if tool == "command" else "row-by-row (before)"
        best = fmt(r, "best_s", "s") if "best_s" in r else ""
        cpu = fmt(r, "cpu_s", "s") if "cpu_s" in r else ""
        rss = fmt(r, "rss_peak_mb", "MB", 0) if "error" not in r else ""
        same = {"True": "  same output", "False": "  OUTPUT DIFFERS"}.get(
            str(r.get("same_output")), ""
        )
        print(
            f"{label:<26} {name:<10} {fmt(r, 'first_s', 's'):>10} {best:>10} {cpu:>10} {rss:>10}"
            + same
        )


def _command_failed(name: str, results: Results, peer_times: list[float]) -> bool:
    """Prints the whole command's targets for one workload; True if one is missed."""
    ours, before = results[("command", name)], results[("before", name)]
    if "error" in ours:
        print(f"  {name}: command {ours['error']}")
        return True
    ok = ours["best_s"] < COMMAND_TARGET_SECONDS and ours.get("same_output", True)
    print(
        f"  {name}: command {ours['best_s']:.3f} s < {COMMAND_TARGET_SECONDS} s, "
        f"same output as before: {'yes' if ok else 'NO'}"
    )
    if "error" not in before:
        print(f"  {name}: command {before['first_s'] / ours['best_s']:,.1f}x faster than before")
    failed = not ok
    if peer_times:
        engine = min(peer_times) / results[("mdc_excel_v5", name)]["best_s"]
        whole = min(peer_times) / ours["best_s"]
        ok = whole >= COMMAND_TARGET_SPEEDUP
        failed |= not ok
        print(
            f"  {name}: against the faster peer's computation: engine {engine:,.0f}x, "
            f"whole command {whole:,.1f}x (target {COMMAND_TARGET_SPEEDUP}x): "
            f"{'yes' if ok else 'NO'}"
        )
        # On a shared machine wall time depends on the other work; CPU time much less so.
        peer_cpu = [
            results[(p, name)]["cpu_s"] for p in PEERS if "cpu_s" in results.get((p, name), {})
        ]
        if peer_cpu:
            print(
                f"  {name}: in CPU time: whole command {min(peer_cpu) / ours['cpu_s']:,.1f}x "
                f"({ours['cpu_s']:.2f} s against {min(peer_cpu):.2f} s)"
            )
    return failed


def _workload_failed(name: str, results: Results) -> bool:
    """Prints one workload's targets (time, memory, speed-up over the peers); True if missed."""
    ours = results[("mdc_excel_v5", name)]
    if "error" in ours:
        print(f"  {name}: engine {ours['error']}")
        return True
    failed = False
    ok = ours["best_s"] < TARGET_SECONDS
    failed |= not ok
    print(f"  {name}: {ours['best_s']:.3f} s < {TARGET_SECONDS} s: {'yes' if ok else 'NO'}")
    if name == "1x1000000":
        ok = ours["traced_peak_mb"] < TARGET_PEAK_MB and ours["rss_peak_mb"] < TARGET_PEAK_MB
        failed |= not ok
        print(
            f"  {name}: peak {ours['traced_peak_mb']:.0f} MB traced, "
            f"{ours['rss_peak_mb']:.0f} MB RSS < {TARGET_PEAK_MB} MB: "
            f"{'yes' if ok else 'NO'}"
        )
    peer_times = [
        results[(p, name)]["first_s"]
        for p in PEERS
        if (p, name) in results and "error" not in results[(p, name)]
    ]
    if peer_times:
        speedup = min(peer_times) / ours["best_s"]
        ok = speedup >= TARGET_SPEEDUP
        failed |= not ok
        print(
            f"  {name}: {speedup:,.0f}x faster than the faster peer "
            f"(target {TARGET_SPEEDUP}x): {'yes' if ok else 'NO'}"
        )
    if ("command", name) in results:
        failed |= _command_failed(name, results, peer_times)
    return failed


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        return run_worker(args)

    import numpy as np

    scratch = Path(tempfile.mkdtemp(prefix="wellled-bench-spc-"))
    try:
        print(
            f"machine: {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
            f"numpy {np.__version__}; load average {_load()}"
        )
        files = _make_workloads(scratch)
        results = _time_engine(files, args.repeats)
        _time_commands(files, results)
        peer_note = _time_peers(args, scratch, files, results)
        print(f"\npeers: {peer_note}\n")
        _print_table(results)
        print("\ntargets (default profile mdc_excel_v5):")
        failed = False
        for name in WORKLOADS:
            failed |= _workload_failed(name, results)
        print(f"load average at the end: {_load()}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _load() -> str:
    """1, 5 and 15-minute load averages: other work on the machine slows every figure."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
