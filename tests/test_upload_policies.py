"""Every module's upload policy checks a file's name against its content, and no
policy received by the shared handler allows more than that handler keeps.

The three policies are the only `FilePolicy` objects in the code (assurance and
improvement evidence share assurance's); a new one belongs in this list.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from wellled.assurance.actions.evidence import UPLOAD_POLICY as EVIDENCE
from wellled.complaints.uploads import POLICY as COMPLAINTS
from wellled.core.uploads import FilePolicy, handler_limit
from wellled.speakup.uploads import POLICY as SPEAKUP

POLICIES = {"complaints": COMPLAINTS, "evidence": EVIDENCE, "speakup": SPEAKUP}
# Received by BoundedUploadHandler (speak-up installs its own handler on its views).
BEHIND_THE_SHARED_HANDLER = ("complaints", "evidence")


@pytest.mark.parametrize("name", POLICIES)
def test_every_type_a_policy_accepts_names_its_endings(name: str) -> None:
    policy: FilePolicy = POLICIES[name]
    assert policy.types
    for media_type, endings in policy.types.items():
        assert endings, f"{name} accepts {media_type} under any name"


@pytest.mark.parametrize("name", BEHIND_THE_SHARED_HANDLER)
def test_no_policy_allows_more_than_the_handler_keeps(name: str) -> None:
    # Otherwise a file cut short by the handler could pass as a whole one.
    assert POLICIES[name].limit() <= handler_limit() == settings.MAX_UPLOAD_BYTES
