"""The editable code lists (KO41a, professions, HCAT), loaded from a file as data.

`data/reference_lists.csv` holds every entry with its source and how sure that
source is (verified, corroborated, unverified): several KO41a labels could not be
checked against NHS England's "KO41a data items lookup and validations", so they
are data a complaints manager can correct, retire or add to, never constants in
code. The initial load is a data migration (0002) that calls `load_reference_data`;
run it again after editing the file to add new entries (existing ones are left
as the trust has edited them).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from wellled.complaints.models import ReferenceItem, ReferenceList

DATA_FILE = Path(__file__).resolve().parent / "data" / "reference_lists.csv"

# Lists whose entries hang under an entry of another list.
PARENT_LIST: dict[str, str] = {
    ReferenceList.HCAT_CATEGORY: ReferenceList.HCAT_DOMAIN,
    ReferenceList.KO41A_CLINICAL_SUBCATEGORY: ReferenceList.KO41A_SUBJECT,
}


def read_rows(path: Path = DATA_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(item_model: Any = ReferenceItem, path: Path = DATA_FILE) -> int:
    """Add the file's entries that are not there yet; return how many were added.

    `item_model` is the historical model when called from a migration.
    """
    added = 0
    rows = read_rows(path)
    # Parents first, so that children can point at them.
    rows.sort(key=lambda row: row["list"] in PARENT_LIST)
    for row in rows:
        parent = None
        if row["parent"]:
            parent = item_model.objects.get(list=PARENT_LIST[row["list"]], code=row["parent"])
        _, created = item_model.objects.get_or_create(
            list=row["list"],
            code=row["code"],
            defaults={
                "label": row["label"],
                "parent": parent,
                "order": int(row["order"] or 0),
                "verification": row["verification"],
                "source": row["source"][:300],
            },
        )
        added += created
    return added


def choices(list_name: str) -> list[ReferenceItem]:
    """The active entries of a list, in order: the options a form offers."""
    return list(
        ReferenceItem.objects.filter(list=list_name, is_active=True).select_related("parent")
    )


def check_item(
    item: ReferenceItem | None, list_name: str, field: str, *, required: bool
) -> dict[str, str]:
    """Errors (field -> message) if `item` is missing, retired or from another list."""
    label = ReferenceList(list_name).label
    if item is None:
        return {field: f"Choose the {label}"} if required else {}
    if item.list != list_name:
        return {field: f"{item} is not a {label}"}
    if not item.is_active:
        return {field: f"{item} is no longer in use as a {label}: choose another"}
    return {}


def require_item(item: ReferenceItem | None, list_name: str, field: str) -> None:
    errors = check_item(item, list_name, field, required=True)
    if errors:
        raise ValidationError(errors)
