"""The code lists are data loaded from the app's file; NHS numbers pass Modulus 11."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wellled.complaints.models import ReferenceItem, ReferenceList
from wellled.complaints.reference import load_reference_data, read_rows
from wellled.complaints.validators import is_valid_nhs_number, normalise_nhs_number


@pytest.mark.django_db
def test_the_migration_loaded_every_list_from_the_file() -> None:
    rows = read_rows()
    assert ReferenceItem.objects.count() == len(rows)
    for name in ReferenceList.values:
        assert ReferenceItem.objects.filter(list=name).exists(), name
    assert all(row["source"] for row in rows)
    assert {row["verification"] for row in rows} <= {"verified", "corroborated", "unverified"}


@pytest.mark.django_db
def test_reloading_adds_nothing_and_keeps_the_trusts_edits() -> None:
    item = ReferenceItem.objects.get(list="profession", code="medical")
    item.label = "Medical and dental"
    item.save()
    assert load_reference_data() == 0
    item.refresh_from_db()
    assert item.label == "Medical and dental"


@pytest.mark.django_db
def test_hcat_categories_sit_under_their_domains() -> None:
    for category in ReferenceItem.objects.filter(list="hcat_category"):
        assert category.parent is not None and category.parent.list == "hcat_domain"


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_nhs_numbers(number) -> None:
    assert normalise_nhs_number(number) == number.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("9434765918", "not a valid NHS number"),
        ("943476591", "has 10 digits: this one has 9"),
        ("94347659190", "this one has 11"),
        ("94347A5919", "only digits"),
        # Check digit works out as 10: never valid.
        ("0000000060", "not a valid NHS number"),
    ],
)
def test_invalid_nhs_numbers(number, message) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_nhs_number(number)
    assert message in caught.value.messages[0]


def test_an_empty_nhs_number_is_allowed_and_unknown() -> None:
    assert normalise_nhs_number("  ") == ""
    assert not is_valid_nhs_number("")
