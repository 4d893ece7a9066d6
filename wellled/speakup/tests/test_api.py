"""/api/v1/speak-up/anonymous/: submit, open with the code, read and post messages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wellled.speakup import actions
from wellled.speakup.models import Attachment, Case
from wellled.speakup.tests.support import give_key
from wellled.speakup.tests.url_access import PNG

BASE = "/api/v1/speak-up/anonymous/"


@pytest.mark.django_db
def test_the_anonymous_channel_over_the_api(trust, guardian) -> None:
    private = give_key(guardian)
    api = Client()
    info = api.get(BASE + "concerns/").json()
    assert info["max_files"] == 5 and "nurses_midwives" in info["worker_groups"]
    response = api.post(
        BASE + "concerns/",
        {"narrative": "Fire doors wedged open", "worker_group": "estates_ancillary"},
        content_type="application/json",
    )
    assert response.status_code == 201
    code = response.json()["code"]
    assert len(code) == 29
    assert not response.cookies
    case = Case.objects.get()
    assert case.worker_group == "estates_ancillary"
    actions.post_guardian_message(
        acting_user=guardian, case=case, private_key=private, body="Which doors?"
    )
    opened = api.post(BASE + "open/", {"code": code}, content_type="application/json").json()
    assert opened["narrative"] == "Fire doors wedged open"
    assert [m["body"] for m in opened["messages"]] == ["Which doors?"]
    assert opened["messages"][0]["author"] == "Guardian"
    # Files come as multipart form data.
    response = api.post(
        BASE + "messages/",
        {"code": code, "body": "Level 2", "files": [SimpleUploadedFile("door.png", PNG)]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["messages"][-1]["files"][0]["name"] == "door.png"
    assert Attachment.objects.filter(case=case).count() == 1
    # Closing asks the question; the API answers it.
    actions.close_case(acting_user=guardian, case=case, private_key=private, outcome="Doors fixed")
    opened = api.post(BASE + "open/", {"code": code}, content_type="application/json").json()
    assert opened["can_answer_feedback"] is True
    response = api.post(
        BASE + "feedback/", {"code": code, "answer": "dont_know"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Case.objects.get().feedback_answer == "dont_know"
    again = api.post(
        BASE + "feedback/", {"code": code, "answer": "yes"}, content_type="application/json"
    )
    assert again.status_code == 400


@pytest.mark.django_db
def test_the_api_refuses_bad_input_clearly(trust) -> None:
    api = Client()
    response = api.post(BASE + "open/", {"code": "nonsense"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"][0].startswith("Enter the 25-character code you were given")
    wrong = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"
    response = api.post(BASE + "open/", {"code": wrong}, content_type="application/json")
    assert (
        response.status_code == 404 and response.json()["detail"] == "That code was not recognised."
    )
    response = api.post(
        BASE + "concerns/",
        {
            "narrative": "With a bad file",
            "files": [SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 100)],
        },
    )
    assert response.status_code == 400
    assert "not a file type we accept" in response.json()["files"][0]
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_the_schema_documents_the_anonymous_endpoints(trust, client_for) -> None:
    response = client_for("guardian").get("/api/v1/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    for path in ("concerns/", "open/", "messages/", "feedback/"):
        assert f"/api/v1/speak-up/anonymous/{path}" in body
