"""NHS number validation, with the `nhs-number` package's Modulus 11 check.

This module adds the specific messages a person needs to correct what they typed.
"""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s-]")


def normalise_nhs_number(raw: str) -> str:
    """The ten digits without spaces or dashes, or a ValidationError saying what is wrong."""
    digits = _SEPARATORS.sub("", raw or "")
    if not digits:
        return ""
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError("An NHS number must contain only digits, like 943 476 5919")
    if len(digits) != 10:
        raise ValidationError(f"An NHS number has 10 digits: this one has {len(digits)}")
    if not is_valid_nhs_number(digits):
        raise ValidationError("This is not a valid NHS number: check each digit and try again")
    return digits


def is_valid_nhs_number(digits: str) -> bool:
    return (
        len(digits) == 10 and digits.isascii() and digits.isdigit() and nhs_number.is_valid(digits)
    )
