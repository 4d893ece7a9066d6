"""Use case: the complaints manager downloads the regulation 18 annual report and it
carries the narrative the regulation lists, from the learning and the actions.

Regulation 18(2)(d) of the Local Authority Social Services and National Health
Service Complaints (England) Regulations 2009
(https://www.legislation.gov.uk/uksi/2009/309/regulation/18): the annual report must
summarise "(i) the subject matter of complaints that the responsible body received;
(ii) any matters of general importance arising out of those complaints, or the way
in which the complaints were handled; (iii) any matters where action has been or is
to be taken to improve services as a consequence of those complaints". (Wording as
restated by secondary sources; see docs/complaints-measures.md.)
"""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from wellled.complaints import actions as complaint_actions
from wellled.complaints import exports
from wellled.complaints.tests.support import record, to_responded
from wellled.core.testing import Trust
from wellled.improvement import actions as improvement_actions
from wellled.learning import actions

pytestmark = pytest.mark.django_db

D = datetime.date
LEARNING = "Call-back requests are now logged on the team's shared list."


def _answered_with_learning(trust: Trust) -> None:
    """Received 2 March 2026, answered (upheld) 2 April 2026: in the year 2026-27."""
    manager = trust.people["complaints_manager"]
    complaint = to_responded(trust, record(trust, received_on=D(2026, 3, 2)))
    issue = complaint.issues.get()
    issue = complaint_actions.record_learning(
        acting_user=manager, issue=issue, learning_statement=LEARNING
    )
    done = actions.add_learning_action(
        acting_user=manager,
        issue=issue,
        description="Check the call-back list at every morning huddle",
        owner=trust.people["service_lead"],
        due_on=D(2026, 6, 30),
        raised_on=D(2026, 4, 3),
    )
    improvement_actions.complete_with_note(
        acting_user=manager, action=done, evidence="Huddle sheet updated", done_on=D(2026, 5, 1)
    )
    actions.add_learning_action(
        acting_user=manager,
        issue=issue,
        description="Train reception staff on logging call-back requests",
        owner=trust.people["service_lead"],
        due_on=D(2030, 9, 30),
        raised_on=D(2026, 4, 3),
    )


def _narrative(sheet: exports.Sheet) -> list[tuple[str, str, str]]:
    return [(row[1], row[2], row[3]) for row in sheet.rows if str(row[3]).startswith("18(2)(d)(")]


def test_the_report_summarises_matters_of_importance_and_the_action_taken(trust) -> None:
    _answered_with_learning(trust)
    lines = _narrative(exports.reg18_figures(start_year=2026))
    assert ("Matter of general importance: Communications", LEARNING, "18(2)(d)(ii)") in lines
    assert (
        "Matter of general importance: how complaints were handled",
        "0 of 1 first responses were sent after the date due "
        "(agreed or set, else the last day of the six months)",
        "18(2)(d)(ii)",
    ) in lines
    # From the improvement actions themselves: what will change, and where it stands.
    assert (
        "Action taken: Communications",
        "Check the call-back list at every morning huddle (done 1 May 2026)",
        "18(2)(d)(iii)",
    ) in lines
    assert (
        "Action to be taken: Communications",
        "Train reception staff on logging call-back requests (not started, due 30 September 2030)",
        "18(2)(d)(iii)",
    ) in lines


def test_the_year_it_was_received_has_its_subject_but_not_what_came_of_its_answer(
    trust,
) -> None:
    """Subject matter follows the complaints received in the year (18(2)(d)(i)); the
    matters and actions follow the complaints answered in it."""
    _answered_with_learning(trust)
    lines = _narrative(exports.reg18_figures(start_year=2025))
    assert ("Subject matter: Communications", 1, "18(2)(d)(i)") in lines
    assert not [line for line in lines if line[2] in ("18(2)(d)(iii)",)]
    assert not [line for line in lines if line[1] == LEARNING]


def test_the_report_opens_in_excel_with_the_narrative(trust) -> None:
    _answered_with_learning(trust)
    book = load_workbook(io.BytesIO(exports.to_xlsx(exports.reg18_figures(start_year=2026))))
    values = [row[2] for row in book.active.iter_rows(values_only=True)]
    assert LEARNING in values
    assert "Check the call-back list at every morning huddle (done 1 May 2026)" in values
