"""Who is in which group: ethnic category to White/BME, disability status, pay band to cluster.

Unknown ethnicity or disability is its own group: left out of every ratio and reported as a
declaration rate (ref §0.2). An unrecognised code is an error, never a silent "unknown":
the importer must tell the person what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE, BME, UNKNOWN = "white", "bme", "unknown"
DISABLED, NON_DISABLED = "disabled", "non_disabled"
LABELS = {
    WHITE: "White",
    BME: "BME",
    UNKNOWN: "Not known",
    DISABLED: "Disabled",
    NON_DISABLED: "Non-disabled",
}


class UnknownCodeError(ValueError):
    """A code the engine does not recognise (an ethnic category, disability value or band)."""


# NHS Data Dictionary ETHNIC CATEGORY (2001 census), as held in ESR (ref §1.2). White
# includes White British, Irish and any other White background [C]; every other stated
# category is BME [V code list, C grouping]. ESR's sub-codes of C (C2, C3, CA-CY) roll up
# into C; the caller passes the first letter or the full sub-code.
_ETHNIC_GROUP = {
    **dict.fromkeys("ABC", WHITE),
    **dict.fromkeys("DEFGHJKLMNPRS", BME),
    "Z": UNKNOWN,
}
_UNKNOWN_WORDS = {"", "not stated", "unspecified", "prefer not to say", "not declared", "null"}


def ethnic_group(code: str | None) -> str:
    """WRES group ("white", "bme" or "unknown") of an NHS ethnic category code."""
    text = (code or "").strip()
    if text.lower() in _UNKNOWN_WORDS:
        return UNKNOWN
    head = text[0].upper()
    if head in _ETHNIC_GROUP and (len(text) == 1 or (head == "C" and len(text) <= 3)):
        return _ETHNIC_GROUP[head]
    raise UnknownCodeError(f"{text!r} is not an NHS ethnic category code (A-S, or Z)")


# ESR's disability field: "Yes"/"No", or the words trusts report ("Disabled",
# "Non-disabled"); "Unspecified" and "Not declared" are unknown (ref §2 note c) [V].
_DISABILITY = {
    "yes": DISABLED,
    "disabled": DISABLED,
    "no": NON_DISABLED,
    "non-disabled": NON_DISABLED,
    "non disabled": NON_DISABLED,
}


def disability_group(value: str | None) -> str:
    """WDES group ("disabled", "non_disabled" or "unknown") of an ESR disability value."""
    text = (value or "").strip().lower()
    if text in _UNKNOWN_WORDS:
        return UNKNOWN
    if text in _DISABILITY:
        return _DISABILITY[text]
    raise UnknownCodeError(f"{value!r} is not a disability status (Yes, No or Not declared)")


# Agenda for Change bands in order, then VSM, then the medical and dental grades (ref §1.1).
AFC_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
VSM = "VSM"
MEDICAL_GRADES = ("consultant", "non_consultant_career_grade", "trainee", "other_medical")
BANDS = (*AFC_BANDS, VSM, *MEDICAL_GRADES)


@dataclass(frozen=True)
class Cluster:
    number: int
    label: str
    bands: tuple[str, ...]


# WDES clusters 1-7, also a useful WRES roll-up [C] (ref §1.1, LNWH's table). "Other
# medical" has no cluster there; we put it with cluster 6 [U].
CLUSTERS = (
    Cluster(1, "AfC bands 1 to 4", ("1", "2", "3", "4")),
    Cluster(2, "AfC bands 5 to 7", ("5", "6", "7")),
    Cluster(3, "AfC bands 8a and 8b", ("8a", "8b")),
    Cluster(4, "AfC bands 8c to 9 and VSM", ("8c", "8d", "9", VSM)),
    Cluster(5, "Medical and dental consultants", ("consultant",)),
    Cluster(
        6,
        "Medical and dental non-consultant career grades",
        ("non_consultant_career_grade", "other_medical"),
    ),
    Cluster(7, "Medical and dental trainee grades", ("trainee",)),
)
_CLUSTER_OF = {band: cluster for cluster in CLUSTERS for band in cluster.bands}


def normalise_band(value: str) -> str:
    """The engine's name for a band: "Band 8A" -> "8a", "vsm" -> "VSM"."""
    text = value.strip().lower().removeprefix("band").strip()
    if text == "vsm":
        return VSM
    if text in AFC_BANDS or text in MEDICAL_GRADES:
        return text
    raise UnknownCodeError(
        f"{value!r} is not a pay band (AfC 1-9 with 8a-8d, VSM, or a medical grade)"
    )


def cluster_of(band: str) -> Cluster:
    return _CLUSTER_OF[normalise_band(band)]


@dataclass(frozen=True)
class Declaration:
    """How many people stated the characteristic; unknowns are left out of the ratios."""

    known: int
    unknown: int

    @property
    def total(self) -> int:
        return self.known + self.unknown

    @property
    def rate(self) -> float | None:
        return self.known / self.total if self.total else None


def declaration(known: int, unknown: int) -> Declaration:
    if known < 0 or unknown < 0:
        raise ValueError("counts cannot be negative")
    return Declaration(known=known, unknown=unknown)
