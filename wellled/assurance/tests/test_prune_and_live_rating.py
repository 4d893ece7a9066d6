"""Old inspection packs are pruned; the scoring form previews the rating as scores change."""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from wellled.assurance.models import StatementAssessment
from wellled.assurance.pack import pack_days, pack_path, prune_packs
from wellled.assurance.tasks import prune_inspection_packs
from wellled.assurance.tests.support import WELL_LED, score_all, trust_round
from wellled.core.testing import Trust

pytestmark = pytest.mark.django_db


def _pack(name: str, age_days: float) -> str:
    path = default_storage.save(pack_path(name), ContentFile(b"PK zip"))
    stamp = time.time() - age_days * 86400
    os.utime(default_storage.path(path), (stamp, stamp))
    return path


def test_packs_older_than_the_setting_are_deleted() -> None:
    old = _pack("old", 31)
    new = _pack("new", 29)
    assert prune_inspection_packs() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(new)


@override_settings(WELLLED_ASSURANCE_PACK_DAYS=7)
def test_the_setting_decides_the_age() -> None:
    old = _pack("week", 8)
    fresh = _pack("day", 1)
    assert pack_days() == 7
    assert prune_packs() == 1
    assert not default_storage.exists(old) and default_storage.exists(fresh)


@override_settings(WELLLED_ASSURANCE_PACK_DAYS=0)
def test_a_nonsense_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        prune_packs()


def test_no_pack_folder_prunes_nothing() -> None:
    assert prune_packs(now=timezone.now() + datetime.timedelta(days=100)) == 0


def test_a_pruned_pack_is_no_longer_downloadable(trust: Trust, client_for) -> None:
    from wellled.assurance import actions
    from wellled.core.tasks import run_job

    lead = trust.people["governance_lead"]
    job = actions.start_inspection_pack(acting_user=lead, statement_id="freedom-to-speak-up")
    run_job(str(job.id))
    client = client_for("governance_lead")
    assert client.get(f"/assurance/packs/{job.id}/").status_code == 200
    assert prune_packs(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert client.get(f"/assurance/packs/{job.id}/").status_code == 404


# Live rating ------------------------------------------------------------------


def _round_with_scores(trust: Trust):
    round_ = trust_round(trust)
    # 3 x 7 + 2 = 23 of 32: 72%, Good.
    score_all(trust, round_, dict(zip(WELL_LED, [3, 3, 3, 3, 3, 3, 3, 2], strict=True)))
    return round_


def test_the_score_form_asks_for_a_live_rating_with_htmx(trust: Trust, client_for) -> None:
    round_ = _round_with_scores(trust)
    page = client_for("governance_lead").get(
        f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/"
    )
    html = page.content.decode()
    preview = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/preview/"
    assert f'hx-post="{preview}"' in html
    assert 'hx-target="#live-rating"' in html
    assert "vendor/htmx/htmx.min.js" in html
    # Without JavaScript the form still posts to the page itself.
    assert f'action="/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/"' in html
    assert "<script>" not in html and 'style="' not in html


def test_the_preview_gives_the_rating_without_saving(trust: Trust, client_for) -> None:
    round_ = _round_with_scores(trust)
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/preview/"
    client = client_for("governance_lead")
    # 3 -> 1 on one statement: 21 of 32 = 66% (Good); 3 -> 4 gives 75%.
    low = client.post(url, {"score": "1", "rationale": ""}, HTTP_HX_REQUEST="true")
    html = low.content.decode()
    assert "<html" not in html
    assert "If this statement scored 1" in html
    assert "66%" in html
    assert client.get(url, {"score": "4"}).status_code == 405  # a fragment, never a page
    high = client.post(url, {"score": "4"}).content.decode()
    assert "75%" in high
    assert (
        StatementAssessment.objects.get(round=round_, statement_id="freedom-to-speak-up").score == 3
    )


def test_the_preview_explains_a_bad_score(trust: Trust, client_for) -> None:
    round_ = _round_with_scores(trust)
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/preview/"
    html = client_for("governance_lead").post(url, {"score": "9"}).content.decode()
    assert "A score must be from 1 to 4: 9 is outside the scale" in html
    assert "72%" in html  # the rating as it stands


def test_the_preview_follows_the_round_limiters(trust: Trust, client_for) -> None:
    from wellled.assurance import actions

    round_ = _round_with_scores(trust)
    actions.set_limiters(
        acting_user=None, round_=round_, limiters={"well-led": ["warning_notice"]}, reason="WN"
    )
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/preview/"
    html = client_for("governance_lead").post(url, {"score": "4"}).content.decode()
    assert "Well-led: Inadequate" in html


def test_people_who_cannot_see_the_round_cannot_preview(trust: Trust, client_for) -> None:
    round_ = _round_with_scores(trust)
    url = f"/assurance/rounds/{round_.pk}/statements/freedom-to-speak-up/preview/"
    assert client_for("staff_member").post(url, {"score": "1"}).status_code == 403
