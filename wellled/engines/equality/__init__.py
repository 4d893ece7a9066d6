"""Workforce equality: WRES and WDES indicators, their statistics, and pay gaps.

Plain Python with no Django, for the web app and for analysts in a notebook:

    from wellled.engines.equality import wres, relative_likelihood
    r = wres.indicator_2(white_shortlisted=389, white_appointed=117,
                         bme_shortlisted=10, bme_appointed=2)
    r.ratio, r.ci_low, r.ci_high      # 1.50, 0.43, 5.24
    r.outside_band, r.significant     # True, False: outside 0.80-1.25, but could be chance
    r.fisher_p                        # given because the counts are small

docs/engines/equality.md documents the API, the sources and what is uncertain.
"""

from . import wdes, wres
from .catalogue import INDICATORS, LATEST, get_indicator
from .change import Change, likelihood_change, proportion_change
from .groups import (
    BANDS,
    BME,
    CLUSTERS,
    DISABLED,
    NON_DISABLED,
    UNKNOWN,
    WHITE,
    Cluster,
    Declaration,
    UnknownCodeError,
    cluster_of,
    declaration,
    disability_group,
    ethnic_group,
    normalise_band,
)
from .indicators import Indicator, UnknownIndicatorError
from .paygap import Employee, PayGap, pay_gap
from .report import EventCounts, Flags, ReportRow, YearInputs, year_report
from .representation import (
    BandRow,
    BoardGap,
    Headcount,
    Representation,
    board_gaps,
    headcount,
    representation,
)
from .stats import (
    BAND,
    CountError,
    ProportionTest,
    RelativeLikelihood,
    fisher_exact_p,
    pool,
    relative_likelihood,
    two_proportion_test,
)
from .survey import SUPPRESS_BELOW, GroupFigure, SurveyResult, survey_indicator

__all__ = [
    "BAND",
    "BANDS",
    "BME",
    "CLUSTERS",
    "DISABLED",
    "INDICATORS",
    "LATEST",
    "NON_DISABLED",
    "SUPPRESS_BELOW",
    "UNKNOWN",
    "WHITE",
    "BandRow",
    "BoardGap",
    "Change",
    "Cluster",
    "CountError",
    "Declaration",
    "Employee",
    "EventCounts",
    "Flags",
    "GroupFigure",
    "Headcount",
    "Indicator",
    "PayGap",
    "ProportionTest",
    "RelativeLikelihood",
    "ReportRow",
    "Representation",
    "SurveyResult",
    "UnknownCodeError",
    "UnknownIndicatorError",
    "YearInputs",
    "board_gaps",
    "cluster_of",
    "declaration",
    "disability_group",
    "ethnic_group",
    "fisher_exact_p",
    "get_indicator",
    "headcount",
    "likelihood_change",
    "normalise_band",
    "pay_gap",
    "pool",
    "proportion_change",
    "relative_likelihood",
    "representation",
    "survey_indicator",
    "two_proportion_test",
    "wdes",
    "wres",
    "year_report",
]
