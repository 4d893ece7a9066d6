"""The agreed timescale, the trust-set date, extensions and the 6-month backstop."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.models import ResponseExtension
from wellled.complaints.tests.support import D, messages, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(trust):
    return record(trust, received_on=D(2026, 1, 15))


@pytest.fixture
def manager(trust):
    return trust.people["complaints_manager"]


FIRST_DUE, FIRST_AGREED = D(2026, 3, 1), D(2026, 1, 20)


def agree(manager, complaint, due=FIRST_DUE, on=FIRST_AGREED):
    return actions.agree_response_date(
        acting_user=manager,
        complaint=complaint,
        response_due=due,
        agreed_on=on,
        how_agreed="phone",
    )


def extend(manager, complaint, new_date, agreed_on, *, agreed=True, how="email"):
    return actions.extend_response_date(
        acting_user=manager,
        complaint=complaint,
        new_date=new_date,
        complainant_agreed=agreed,
        how_agreed=how,
        agreed_on=agreed_on,
        requested_by="trust",
        reason="Waiting for the ward's statements",
    )


def test_an_agreed_date_is_the_response_due_date(manager, complaint) -> None:
    complaint = agree(manager, complaint)
    assert complaint.response_due == D(2026, 3, 1)
    assert complaint.response_date_basis == "agreed"
    # Reg 14(2): six months beginning on 15 January end on 14 July.
    assert complaint.backstop_due == D(2026, 7, 14)


def test_a_date_agreed_beyond_six_months_before_they_ran_out_moves_the_backstop(
    manager, complaint
) -> None:
    complaint = agree(manager, complaint, due=D(2026, 9, 1))
    assert complaint.backstop_due == D(2026, 9, 1)


def test_a_response_date_is_agreed_once_then_extended(manager, complaint) -> None:
    complaint = agree(manager, complaint)
    with pytest.raises(ValidationError) as caught:
        agree(manager, complaint, due=D(2026, 4, 1))
    assert "record an extension" in messages(caught)


def test_the_trust_sets_a_date_only_after_telling_the_complainant(manager, complaint) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.set_response_date(
            acting_user=manager,
            complaint=complaint,
            response_due=D(2026, 3, 1),
            notified_on=None,
            notified=False,
        )
    assert "in writing" in messages(caught)
    complaint = actions.set_response_date(
        acting_user=manager,
        complaint=complaint,
        response_due=D(2026, 3, 1),
        notified_on=D(2026, 1, 19),
        notified=True,
    )
    assert complaint.response_date_basis == "set_by_trust"
    assert complaint.response_date_notified_on == D(2026, 1, 19)


def test_the_trust_cannot_set_a_date_past_six_months_on_its_own(manager, complaint) -> None:
    """Reg 14(2), SI 2009/309: without an agreement the response is due within "the
    period of six months beginning on the day on which the complaint was received":
    received 15 January 2026, the last day is 14 July, so 15 July is refused."""
    with pytest.raises(ValidationError) as caught:
        actions.set_response_date(
            acting_user=manager,
            complaint=complaint,
            response_due=D(2026, 7, 15),
            notified_on=D(2026, 1, 19),
            notified=True,
        )
    assert "due by 14 July 2026" in messages(caught)
    complaint = actions.set_response_date(
        acting_user=manager,
        complaint=complaint,
        response_due=D(2026, 7, 14),
        notified_on=D(2026, 1, 19),
        notified=True,
    )
    assert complaint.response_due == complaint.backstop_due == D(2026, 7, 14)


def test_an_extension_without_the_complainants_agreement_is_refused(manager, complaint) -> None:
    complaint = agree(manager, complaint)
    with pytest.raises(ValidationError) as caught:
        extend(manager, complaint, D(2026, 4, 1), D(2026, 2, 20), agreed=False)
    assert "needs the complainant's agreement" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        extend(manager, complaint, D(2026, 4, 1), None, how="")
    assert "how the complainant agreed" in messages(caught)
    complaint.refresh_from_db()
    assert complaint.response_due == D(2026, 3, 1)
    assert not ResponseExtension.objects.exists()


def test_an_extension_agreed_after_the_due_date_is_refused(manager, complaint) -> None:
    complaint = agree(manager, complaint)
    with pytest.raises(ValidationError) as caught:
        extend(manager, complaint, D(2026, 4, 1), D(2026, 3, 2))
    assert "already passed" in messages(caught)


def test_an_extension_agreed_in_time_can_be_recorded_after_the_due_date(manager, complaint) -> None:
    complaint = agree(manager, complaint)
    # Today is long after 1 March 2026; the agreement on 27 February is what counts.
    assert timezone.localdate() > D(2026, 3, 1)
    extension = extend(manager, complaint, D(2026, 4, 1), D(2026, 2, 27))
    assert extension.previous_date == D(2026, 3, 1)
    complaint.refresh_from_db()
    assert complaint.response_due == D(2026, 4, 1)


def test_extensions_never_move_the_date_earlier_and_build_a_history(manager, complaint) -> None:
    complaint = agree(manager, complaint)
    with pytest.raises(ValidationError) as caught:
        extend(manager, complaint, D(2026, 2, 20), D(2026, 2, 1))
    assert "later than it is now" in messages(caught)
    extend(manager, complaint, D(2026, 4, 1), D(2026, 2, 1))
    extend(manager, complaint, D(2026, 8, 1), D(2026, 3, 30))
    history = list(ResponseExtension.objects.values_list("previous_date", "new_date"))
    assert history == [(D(2026, 3, 1), D(2026, 4, 1)), (D(2026, 4, 1), D(2026, 8, 1))]
    complaint.refresh_from_db()
    # Agreed before the six months ran out (14 July), so the statutory date moves.
    assert complaint.backstop_due == D(2026, 8, 1)


def test_an_extension_agreed_after_six_months_does_not_move_the_backstop(
    manager, complaint
) -> None:
    """Reg 14(2), SI 2009/309: only "such longer period as may be agreed before the
    expiry of" the six months replaces them; 15 July is a day after they expired."""
    complaint = agree(manager, complaint, due=D(2026, 9, 1), on=D(2026, 7, 15))
    assert complaint.backstop_due == D(2026, 7, 14)
    extend(manager, complaint, D(2026, 10, 1), D(2026, 8, 20))
    complaint.refresh_from_db()
    assert complaint.backstop_due == D(2026, 7, 14)


def test_a_date_agreed_on_the_six_months_last_day_moves_the_backstop(manager, complaint) -> None:
    """Reg 14(2), SI 2009/309: agreed "before the expiry of that period": on 14 July,
    the last day of the six months beginning on 15 January, is in time."""
    complaint = agree(manager, complaint, due=D(2026, 9, 1), on=D(2026, 7, 14))
    assert complaint.backstop_due == D(2026, 9, 1)


def test_an_extension_after_the_six_months_keeps_the_first_agreed_date_as_the_limit(
    manager, complaint
) -> None:
    """Reg 14(2), SI 2009/309: a first date agreed in time (1 August, agreed in
    January) is the longer period; moving it by an agreement made after the six
    months ran out does not make the new date the statutory one."""
    complaint = agree(manager, complaint, due=D(2026, 8, 1), on=D(2026, 1, 20))
    assert complaint.backstop_due == D(2026, 8, 1)
    extend(manager, complaint, D(2026, 10, 1), D(2026, 7, 20))
    complaint.refresh_from_db()
    assert complaint.response_due == D(2026, 10, 1)
    assert complaint.backstop_due == D(2026, 8, 1)


def test_an_agreement_cannot_be_dated_in_the_future(manager, complaint) -> None:
    future = timezone.localdate() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError):
        agree(manager, complaint, due=future + datetime.timedelta(days=30), on=future)


def test_nothing_to_extend_before_a_date_is_agreed(manager, complaint) -> None:
    with pytest.raises(ValidationError) as caught:
        extend(manager, complaint, D(2026, 4, 1), D(2026, 2, 1))
    assert "before extending" in messages(caught)


def test_a_pals_concern_has_no_response_date(trust, manager) -> None:
    concern = record(trust, kind="pals")
    with pytest.raises(ValidationError) as caught:
        agree(manager, concern, due=D(2026, 4, 1), on=D(2026, 3, 3))
    assert "outside the Regulations" in messages(caught)


@pytest.mark.parametrize(
    "persona", ["service_lead", "executive", "board_member", "outsider", "operator"]
)
def test_only_complaints_staff_change_response_dates(trust, complaint, manager, persona) -> None:
    user = trust.people[persona]
    with pytest.raises(PermissionDenied):
        agree(user, complaint)
    with pytest.raises(PermissionDenied):
        actions.set_response_date(
            acting_user=user,
            complaint=complaint,
            response_due=D(2026, 3, 1),
            notified_on=D(2026, 1, 19),
            notified=True,
        )
    complaint = agree(manager, complaint)
    with pytest.raises(PermissionDenied):
        extend(user, complaint, D(2026, 4, 1), D(2026, 2, 1))
