"""`wellled spc`: the analyst's command line. No database, no web server."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wellled.engines.spc import cli
from wellled.engines.spc.tests.cases import COLOUR_OF, DATA, mdc_rows

MDC_CSV = DATA / "mdc_v5_test_data.csv"
REPO = Path(__file__).resolve().parents[4]


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(
        list(argv), stdout=out, stderr=err, stdin=io.StringIO(stdin) if stdin is not None else None
    )
    return code, out.getvalue(), err.getvalue()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def write(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_row_per_input_row_with_the_required_columns() -> None:
    code, out, err = run(str(MDC_CSV), "--value", "Value", "--date", "Date", "--group", "Metric")
    assert code == 0
    table = rows(out)
    assert len(table) == sum(len(v) for v in mdc_rows().values())
    assert tuple(table[0]) == cli.OUTPUT_COLUMNS
    assert cli.OUTPUT_COLUMNS[:6] == ("group", "date", "value", "mean", "lpl", "upl")
    assert {"point_type", "variation", "assurance"} <= set(cli.OUTPUT_COLUMNS)
    assert table[0]["group"] == "Number of points - 12" and table[0]["date"] == "2023-01-01"
    assert "only 12 points" in err


def test_the_published_recalculation_case_through_the_command_line(tmp_path: Path) -> None:
    name = "Recalculations - Recalculated"
    code, out, _ = run(
        str(MDC_CSV),
        "--value",
        "Value",
        "--date",
        "Date",
        "--group",
        "Metric",
        "--rebase",
        "16/01/2023",
    )
    assert code == 0
    got = [COLOUR_OF[r["point_type"]] for r in rows(out) if r["group"] == name]
    assert got == [r["Colour"] for r in mdc_rows()[name]]
    chart = [r for r in rows(out) if r["group"] == name]
    assert {r["segment"] for r in chart[:15]} == {"1"} and {r["segment"] for r in chart[15:]} == {
        "2"
    }
    assert chart[-1]["variation"] == "concern_low"


def test_rows_keep_input_order_but_are_computed_in_date_order(tmp_path: Path) -> None:
    values = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]
    lines = [f"2023-01-{d:02d},{v}" for d, v in enumerate(values, start=1)]
    shuffled = [lines[i] for i in (14, 3, 0, 9, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13)]
    path = write(tmp_path, "month,count\n" + "\n".join(shuffled) + "\n")
    code, out, _ = run(path, "--value", "count", "--date", "month", "--target", "40")
    assert code == 0
    table = rows(out)
    assert [r["date"] for r in table] == [line.split(",")[0] for line in shuffled]
    assert {r["upl"] for r in table} == {"37.64"} and {r["mean"] for r in table} == {"23.2"}
    assert {r["assurance"] for r in table} == {"fail"}
    assert table[2]["moving_range"] == ""  # 1 January: the first point has no moving range


def test_output_file_instead_of_stdout(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, out, _ = run(
        str(MDC_CSV),
        "--value",
        "Value",
        "--date",
        "Date",
        "--group",
        "Metric",
        "--output",
        str(target),
    )
    assert code == 0 and out == ""
    assert len(rows(target.read_text(encoding="utf-8"))) == 765


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "d,v\n2023-01-01,1\n2023-01-02,abc\n",
            "line 3: value in column 'v' 'abc' is not a number",
        ),
        ("d,v\n2023-01-01,1\n2023-01-02,\n", "line 3: value in column 'v' is empty"),
        (
            "d,v\n2023-01-01,1\n2023-01-02,inf\n",
            "line 3: value in column 'v' 'inf' is not a number",
        ),
        (
            "d,v\n2023-01-01,1\n2023-02-30,2\n",
            "line 3: date in column 'd' '2023-02-30' is not a date",
        ),
        (
            "d,v\n2023-01-01,1\n01/01/2023,2\n",
            "line 3: date 2023-01-01 appears twice in the series (also on line 2)",
        ),
        ("d,v\n", "the input has a header row but no data rows"),
        ("x,v\n2023-01-01,1\n", "no column named 'd'; the columns are: 'x', 'v'"),
    ],
)
def test_bad_input_names_the_line_and_writes_nothing(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    target = tmp_path / "out.csv"
    code, out, err = run(path, "--value", "v", "--date", "d", "--output", str(target))
    assert code == 2
    assert message in err
    assert out == "" and not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_duplicate_dates_are_per_group(tmp_path: Path) -> None:
    path = write(tmp_path, "g,d,v\nA,2023-01-01,1\nB,2023-01-01,2\nA,2023-01-01,3\n")
    code, _, err = run(path, "--value", "v", "--date", "d", "--group", "g")
    assert code == 2
    assert "line 4: date 2023-01-01 appears twice in group 'A' (also on line 2)" in err


def test_a_missing_month_is_refused_naming_the_lines_around_it(tmp_path: Path) -> None:
    path = write(tmp_path, "d,v\n2023-01-01,1\n2023-02-01,2\n2023-05-01,3\n2023-06-01,4\n")
    code, out, err = run(path, "--value", "v", "--date", "d")
    assert code == 2
    assert out == ""
    assert (
        "line 4: the series has no value for 2 months between 2023-02-01 (line 3) and "
        "2023-05-01: add the missing rows, or pass --allow-gaps to chart it as it is"
    ) in err


def test_a_missing_week_is_refused_per_group(tmp_path: Path) -> None:
    text = "g,d,v\nA,2024-01-01,1\nA,2024-01-08,2\nB,2024-01-01,1\nA,2024-01-22,4\nB,2024-01-08,2\n"
    code, _, err = run(write(tmp_path, text), "--value", "v", "--date", "d", "--group", "g")
    assert code == 2
    assert "line 5: group 'A' has no value for a week between 2024-01-08 (line 3)" in err
    assert "group 'B'" not in err


def test_gaps_can_be_allowed_and_irregular_dates_are_not_gaps(tmp_path: Path) -> None:
    gappy = write(tmp_path, "d,v\n2023-01-01,1\n2023-03-01,2\n", name="gappy.csv")
    code, out, _ = run(gappy, "--value", "v", "--date", "d", "--allow-gaps")
    assert code == 0 and len(rows(out)) == 2
    daily = write(tmp_path, "d,v\n2023-01-02,1\n2023-01-03,2\n2023-01-09,3\n", name="d.csv")
    assert run(daily, "--value", "v", "--date", "d")[0] == 0


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--profile", "excel"],
            "unknown SPC profile 'excel'; the known profiles are: "
            "mdc_excel_v5, mdc_sql_v2, nhsr_0_2_2",
        ),
        (["--improvement", "up"], "--improvement must be one of increase, decrease, neither"),
        (["--target", "ten"], "--target 'ten' is not a number"),
        (["--baseline", "0"], "--baseline must be at least 1"),
        (["--shift", "1"], "--shift must be at least 2 points"),
        (["--trend", "six"], "--trend 'six' is not a whole number"),
        (["--rebase", "yesterday"], "--rebase 'yesterday' is not a date"),
        (["--profile", "nhsr_0_2_2", "--baseline", "5"], "a baseline needs at least 12 points"),
    ],
)
def test_bad_options_are_refused(option: list[str], message: str) -> None:
    code, out, err = run(
        str(MDC_CSV), "--value", "Value", "--date", "Date", "--group", "Metric", *option
    )
    assert code == 2 and out == ""
    assert message in err


def test_missing_file_and_stdin() -> None:
    assert run("/nonexistent/in.csv", "--value", "v", "--date", "d")[0] == 2
    code, out, _ = run("-", "--value", "v", "--date", "d", stdin="d,v\n2023-01-01,4\n")
    assert code == 0 and rows(out)[0]["value"] == "4"


def test_rebase_between_dates_starts_at_the_next_point(tmp_path: Path) -> None:
    body = "\n".join(f"2023-01-{d:02d},{d % 5}" for d in range(1, 21))
    path = write(tmp_path, "d,v\n" + body + "\n")
    code, out, err = run(
        path, "--value", "v", "--date", "d", "--rebase", "2022-06-01", "2023-01-10", "2023-01-11"
    )
    assert code == 0
    assert "--rebase 2022-06-01 is at or before the first point of the series; ignored" in err
    assert [r["segment"] for r in rows(out)] == ["1"] * 9 + ["2"] + ["3"] * 10


def test_profile_and_conflict_options_reach_the_engine() -> None:
    name = "Special cause conflict - High is good"
    args = [str(MDC_CSV), "--value", "Value", "--date", "Date", "--group", "Metric"]
    _, out, _ = run(*args, "--conflict", "concern")
    chart = [r for r in rows(out) if r["group"] == name]
    assert chart[7]["point_type"] == "special_cause_concern"
    assert "trend_increasing" in chart[8]["rules"] and "shift_low" in chart[8]["rules"]
    _, out, _ = run(*args, "--profile", "mdc_sql_v2")
    assert {r["profile"] for r in rows(out)} == {"mdc_sql_v2"}


def test_shift_and_trend_run_lengths_follow_the_trusts_convention(tmp_path: Path) -> None:
    """The Making Data Count tools count a shift "usually ... at least 6 points but
    [it] may be set to at least 7", and the same for a trend (MDC Single Chart Tool
    v5.0 test document; the SQL query v2.4 sets both to 7): a trust that counts 7
    must be able to reproduce its own charts."""
    # Two charts on the same 12-point baseline (mean 10): A then has six points
    # above the mean without a trend; B a rise of six points across the mean.
    baseline: list[float] = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 12, 8]
    tails: dict[str, list[float]] = {
        "A": [13, 12, 14, 12, 13, 14],
        "B": [7, 8.5, 9.5, 10.5, 11.5, 12.5],
    }
    lines = [
        f"{group},2023-01-{day:02d},{value}"
        for group, tail in tails.items()
        for day, value in enumerate(baseline + tail, start=1)
    ]
    path = write(tmp_path, "g,d,v\n" + "\n".join(lines) + "\n")
    args = [path, "--value", "v", "--date", "d", "--group", "g", "--baseline", "12"]

    def flagged(*options: str) -> tuple[set[str], set[str]]:
        code, out, err = run(*args, *options)
        assert code == 0, err
        table = rows(out)
        shift = {r["date"] for r in table if r["group"] == "A" and "shift_high" in r["rules"]}
        trend = {r["date"] for r in table if r["group"] == "B" and "trend_increasing" in r["rules"]}
        return shift, trend

    last_six = {f"2023-01-{d:02d}" for d in range(13, 19)}
    assert flagged() == (last_six, last_six)
    assert flagged("--shift", "7", "--trend", "7") == (set(), set())
    assert flagged("--shift", "7") == (set(), last_six)
    assert flagged("--trend", "5") == (last_six, last_six)
    assert flagged("--shift", "5", "--trend", "7") == (last_six, set())


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    # A database that cannot exist: the command must never open it.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/missing/dir/nothing.sqlite3"
    env["WELLLED_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_wellled_spc_runs_without_a_database(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "wellled.cli",
            "spc",
            str(MDC_CSV),
            "--value",
            "Value",
            "--date",
            "Date",
            "--group",
            "Metric",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=subprocess_env(tmp_path),
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(rows(out.read_text(encoding="utf-8"))) == 765
    assert not (tmp_path / "missing").exists()


def test_wellled_spc_starts_without_importing_django(tmp_path: Path) -> None:
    """Start-up counts in an analyst's run: `wellled spc` loads no part of Django."""
    out = tmp_path / "out.csv"
    argv = ["wellled", "spc", str(MDC_CSV), "--value", "Value", "--date", "Date"]
    argv += ["--group", "Metric", "--output", str(out)]
    script = (
        "import sys\n"
        "from wellled import cli\n"
        f"code = cli.main({argv!r})\n"
        "names = ('django', 'rest_framework')\n"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in names))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=subprocess_env(tmp_path),
        cwd=REPO,
        check=False,
    )
    assert result.stdout.strip() == "0 []", result.stderr
    assert len(rows(out.read_text(encoding="utf-8"))) == 765


def test_wellled_spc_bad_input_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "d,v\n2023-01-01,x\n")
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "wellled.cli", "spc", path, "--value", "v", "--date", "d"],
        capture_output=True,
        text=True,
        env=subprocess_env(tmp_path),
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert "line 2: value in column 'v' 'x' is not a number" in result.stderr
    assert result.stdout == ""


def test_call_command_path_raises_a_command_error_with_exit_status_2(tmp_path: Path) -> None:
    path = write(tmp_path, "d,v\n2023-01-01,x\n")
    script = (
        "import django, sys\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.core.management.base import CommandError\n"
        f"call_command('spc', {str(MDC_CSV)!r}, value='Value', date='Date', group='Metric')\n"
        "try:\n"
        f"    call_command('spc', {path!r}, value='v', date='d')\n"
        "except CommandError as exc:\n"
        "    print('returncode', exc.returncode, file=sys.stderr)\n"
    )
    env = subprocess_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "wellled.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 766
    assert "returncode 2" in result.stderr


def test_the_engine_module_runs_on_its_own(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "wellled.engines.spc.cli",
            str(MDC_CSV),
            "--value",
            "Value",
            "--date",
            "Date",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        cwd=REPO,
        check=False,
    )
    # One series with duplicate dates (every case starts on 01/01/2023): refused, with lines.
    assert result.returncode == 2
    assert "appears twice in the series" in result.stderr
