"""Codes to groups, bands to clusters, and indicator 1 / metric 1 tables."""

from __future__ import annotations

import pytest

from wellled.engines.equality import (
    BME,
    DISABLED,
    NON_DISABLED,
    UNKNOWN,
    WHITE,
    UnknownCodeError,
    board_gaps,
    cluster_of,
    disability_group,
    ethnic_group,
    representation,
)

from .support import known


@pytest.mark.parametrize(
    ("code", "group"),
    [("A", WHITE), ("b", WHITE), ("C", WHITE), ("C3", WHITE), ("CA", WHITE), ("D", BME),
     ("H", BME), ("N", BME), ("R", BME), ("S", BME), ("Z", UNKNOWN), ("", UNKNOWN),
     (None, UNKNOWN), ("Not stated", UNKNOWN)],
)  # fmt: skip
def test_nhs_ethnic_categories_roll_up_to_the_wres_groups(code, group) -> None:
    assert ethnic_group(code) == group


@pytest.mark.parametrize("code", ["I", "O", "Q", "X", "DA", "White"])
def test_an_unknown_ethnic_code_is_an_error_not_a_silent_unknown(code) -> None:
    with pytest.raises(UnknownCodeError, match="not an NHS ethnic category"):
        ethnic_group(code)


def test_disability_values() -> None:
    assert [disability_group(v) for v in ("Yes", "No", "Not declared", "Unspecified")] == [
        DISABLED,
        NON_DISABLED,
        UNKNOWN,
        UNKNOWN,
    ]
    with pytest.raises(UnknownCodeError):
        disability_group("Maybe")


def test_bands_fall_into_the_wdes_clusters() -> None:
    assert cluster_of("Band 3").number == 1
    assert cluster_of("7").number == 2
    assert cluster_of("8B").number == 3
    assert cluster_of("vsm").number == 4
    assert cluster_of("trainee").number == 7
    with pytest.raises(UnknownCodeError, match="not a pay band"):
        cluster_of("Band 10")


def test_indicator_1_shows_bme_staff_concentrated_in_lower_bands() -> None:
    staff = (
        [("2", True, BME)] * 40 + [("2", True, WHITE)] * 60
        + [("8c", False, BME)] * 2 + [("8c", False, WHITE)] * 18
        + [("6", True, UNKNOWN)] * 5 + [("6", True, WHITE)] * 45
    )  # fmt: skip
    table = representation(staff)
    assert table.workforce.total == 170 and table.workforce.count(BME) == 42
    band_2 = known(table.band("Band 2", clinical=True))
    assert band_2.people.percent(BME) == 40
    assert band_2.gap(BME, table.workforce) == pytest.approx(40 - 100 * 42 / 170)
    assert known(known(table.band("8c", clinical=False)).gap(BME, table.workforce)) < 0
    assert table.band("8c", clinical=True) is None
    assert [r.clinical for r in table.bands] == [True, True, False]  # clinical first, by band
    assert [(r.band, r.clinical, r.people.total) for r in table.clusters] == [
        ("AfC bands 1 to 4", True, 100),
        ("AfC bands 5 to 7", True, 50),
        ("AfC bands 8c to 9 and VSM", False, 20),
    ]
    assert known(table.band("6", clinical=True)).people.declaration_rate == 90


def test_metric_10_gap_for_voting_and_executive_members() -> None:
    gaps = board_gaps(
        group=DISABLED,
        workforce={DISABLED: 180, NON_DISABLED: 3800, UNKNOWN: 520},
        voting={DISABLED: 1, NON_DISABLED: 11},
        executive={NON_DISABLED: 6},
        whole_board={DISABLED: 1, NON_DISABLED: 13},
    )
    assert set(gaps) == {"voting", "executive", "whole board"}
    assert gaps["voting"].gap == pytest.approx(100 / 12 - 4.0)
    assert gaps["executive"].gap == pytest.approx(-4.0)
