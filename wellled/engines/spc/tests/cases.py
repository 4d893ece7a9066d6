"""Loaders for the transcribed test cases in data/ (see data/README.md for their sources)."""

from __future__ import annotations

import csv
import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

COLOUR_OF = {
    "common_cause": "grey",
    "special_cause_improvement": "blue",
    "special_cause_concern": "orange",
    "special_cause_neither": "purple",
}


def uk_date(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007


@cache
def mdc_meta() -> dict[str, Any]:
    with open(DATA / "mdc_v5_cases.toml", "rb") as handle:
        return tomllib.load(handle)


@cache
def mdc_rows() -> dict[str, list[dict[str, str]]]:
    cases: dict[str, list[dict[str, str]]] = {}
    with open(DATA / "mdc_v5_test_data.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cases.setdefault(row["Metric"], []).append(row)
    return cases


@cache
def nhsr_meta() -> dict[str, Any]:
    with open(DATA / "nhsr_0_2_2_cases.toml", "rb") as handle:
        return tomllib.load(handle)


@cache
def ae_series() -> dict[str, list[dict[str, str]]]:
    series: dict[str, list[dict[str, str]]] = {}
    with open(DATA / "nhsr_ae_series.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            series.setdefault(row["series"], []).append(row)
    return series
