"""Files sent with a concern or a message: checked, cleaned if asked, sealed."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.core.exceptions import ValidationError

from wellled.speakup import crypto, uploads
from wellled.speakup.models import Attachment, Case, Message


def check_files(
    files: Sequence[tuple[str, bytes]], strip: bool, key: str = "files"
) -> list[uploads.CheckedFile]:
    if len(files) > uploads.MAX_FILES:
        raise ValidationError({key: f"Send at most {uploads.MAX_FILES} files at a time"})
    checked = []
    problems = []
    for name, data in files:
        try:
            item = uploads.check_file(name, data)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if strip:
            try:
                item = uploads.strip_metadata(item)
            except Exception:  # a damaged file: say so, lose nothing else
                problems.append(
                    f"“{item.name}” could not be cleaned of metadata: it may be damaged"
                )
                continue
        checked.append(item)
    if problems:
        raise ValidationError({key: problems})
    return checked


def store_files(
    case: Case, case_key: bytes, message: Message | None, files: list[uploads.CheckedFile]
) -> None:
    for item in files:
        meta = json.dumps({"name": item.name, "type": item.media_type, "size": len(item.data)})
        Attachment.objects.create(
            case=case,
            message=message,
            sealed_meta=crypto.seal(case_key, meta.encode()),
            sealed_data=crypto.seal(case_key, item.data),
        )
