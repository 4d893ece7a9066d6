"""The CSV import kit: file problems, the header, numbered rows, row errors, progress."""

from __future__ import annotations

import pytest

from wellled.core import csv_import as kit

COLUMNS = {"kind": "site or service", "name": "The name", "note": "Anything"}


def test_a_file_is_refused_for_its_name_emptiness_bytes_size_or_encoding() -> None:
    cases = [
        (b"kind,name\n", "units.txt", kit.NOT_CSV_NAME),
        (b"  \n", "units.csv", kit.EMPTY),
        (b"kind\x00,name\n", "units.csv", kit.NOT_CSV),
        ("kind,name\nsite,Caf\u00e9\n".encode("latin-1"), "units.csv", kit.NOT_UTF8),
    ]
    for raw, name, message in cases:
        with pytest.raises(kit.FileProblem) as caught:
            kit.decode_csv(raw, name)
        assert str(caught.value) == message
    with pytest.raises(kit.FileProblem, match="smaller than 1 KB"):
        kit.decode_csv(b"x" * 2000, "units.csv", max_bytes=1024)


def test_a_byte_order_mark_is_dropped() -> None:
    assert kit.decode_csv("\ufeffkind,name\n".encode(), "UNITS.CSV") == "kind,name\n"


def test_the_header_names_every_problem_at_once() -> None:
    rows = kit.read_csv("Name,colour,name\n")
    with pytest.raises(kit.FileProblem) as caught:
        kit.check_header(rows, COLUMNS, ("kind", "name"))
    assert str(caught.value) == (
        "Row 1: the header has no 'kind'; the header has unknown columns 'colour' "
        "(the columns are kind, name, note); the header repeats 'name'"
    )
    with pytest.raises(kit.FileProblem, match="The first row must name the columns"):
        kit.check_header([[" ", ""]], COLUMNS, ("kind",))


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_ones_skipped() -> None:
    rows = kit.read_csv("kind,name\nsite,A\n,\nservice,B\n")
    assert list(kit.data_rows(rows, "units")) == [(2, ["site", "A"]), (4, ["service", "B"])]
    with pytest.raises(kit.FileProblem, match="a header but no rows of units under it"):
        kit.data_rows(kit.read_csv("kind,name\n,\n"), "units")


def test_row_errors_are_sorted_by_row_keeping_their_order_within_one() -> None:
    errors = kit.RowErrors()
    mark = errors.mark()
    errors.add(5, "second problem")
    errors.add(3, "on row 3", column="name")
    errors.add(5, "third problem")
    assert errors.since(mark) and len(errors) == 3
    assert [str(e) for e in errors.sorted()] == [
        "Row 3: on row 3",
        "Row 5: second problem",
        "Row 5: third problem",
    ]
    assert errors.sorted()[0].as_dict() == {"row": 3, "message": "on row 3", "column": "name"}


def test_progress_is_reported_every_so_many_rows() -> None:
    said: list[tuple[int, str]] = []
    steps = kit.Steps(lambda percent, message: said.append((percent, message)), total=4, every=2)
    for number in range(2, 6):
        steps.checked(number)
    # Rows 2 and 4 are the 1st and 3rd of the 4 under the header.
    assert said == [(16, "Checked 1 of 4 rows"), (38, "Checked 3 of 4 rows")]


def test_a_failed_check_imports_nothing_and_lists_the_problems() -> None:
    errors = [kit.RowError(2, "Enter a name"), kit.RowError(4, "Enter a kind")]
    outcome = kit.failed_outcome(errors, "/back/", listed=1)
    assert not outcome.succeeded
    assert outcome.message == (
        "Nothing was imported: 2 problems found. Correct the file and upload it again."
    )
    assert outcome.result == {"errors": [{"row": 2, "message": "Enter a name"}]}
    assert outcome.result_url == "/back/"
