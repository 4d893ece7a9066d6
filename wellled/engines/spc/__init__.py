"""Making Data Count statistical process control: XmR charts, rules, icons and profiles.

    from wellled.engines.spc import xmr, PROFILES
    result = xmr(values, improvement="decrease", target=4.0, profile="mdc_sql_v2")

Pure numpy; no Django. docs/engines/spc.md documents the API and every profile.
"""

from wellled.engines.spc.profiles import (
    DEFAULT_PROFILE,
    MDC_EXCEL_V5,
    MDC_SQL_V2,
    NHSR_0_2_2,
    PROFILES,
    Profile,
    UnknownProfileError,
    get_profile,
)
from wellled.engines.spc.xmr import (
    ASSURANCES,
    DIRECTIONS,
    POINT_TYPES,
    VARIATIONS,
    XmrResult,
    assurance_icons,
    xmr,
)

__all__ = [
    "ASSURANCES",
    "DEFAULT_PROFILE",
    "DIRECTIONS",
    "MDC_EXCEL_V5",
    "MDC_SQL_V2",
    "NHSR_0_2_2",
    "POINT_TYPES",
    "PROFILES",
    "VARIATIONS",
    "Profile",
    "UnknownProfileError",
    "XmrResult",
    "assurance_icons",
    "get_profile",
    "xmr",
]
