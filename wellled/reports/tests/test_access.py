"""The reports app's permission rules (access.py) and its reads: an anonymous visitor
is refused and sees nothing; only the system itself (None) acts without a capability."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from wellled.core.testing import Trust
from wellled.reports import access, queries
from wellled.reports.tests.support import make_metric

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_never_taken_for_the_system(trust: Trust) -> None:
    metric = make_metric(trust)
    anonymous = AnonymousUser()
    assert not access.can_manage(anonymous, metric)
    assert not access.can_write_narrative(anonymous, metric)
    assert not access.can_read_board_packs(anonymous)
    assert list(queries.metrics_visible_to(anonymous)) == []
    assert list(queries.board_packs_visible_to(anonymous)) == []
    for manage in (False, True):
        with pytest.raises((Http404, PermissionDenied)):
            queries.get_metric_for_user(anonymous, metric.slug, manage=manage)
    with pytest.raises(PermissionDenied):
        queries.get_board_pack_for_user(anonymous, 1)


def test_the_system_may_manage_and_people_need_the_capability(trust: Trust) -> None:
    metric = make_metric(trust)
    assert access.can_manage(None, metric)
    assert access.can_manage(trust.people["governance_lead"], metric)
    assert queries.get_metric_for_user(trust.people["governance_lead"], metric.slug, manage=True)
    assert not access.can_manage(trust.people["executive"], metric)
    with pytest.raises(PermissionDenied):
        queries.get_metric_for_user(trust.people["executive"], metric.slug, manage=True)
