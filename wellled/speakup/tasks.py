"""Scheduled speak-up work."""

from __future__ import annotations

import logging

from celery import shared_task

from wellled.speakup import actions, rotation

logger = logging.getLogger(__name__)


@shared_task
def shred_expired_cases() -> int:
    """Crypto-shred closed cases past their retention period (daily, from beat)."""
    count = actions.shred_expired()
    if count:
        logger.info("speakup retention: %s cases shredded", count)
    return count


@shared_task
def write_reporter_tallies() -> int:
    """Write yesterday's (and any earlier day's) tally of reporters' actions to the
    audit trail (daily, from beat, after midnight)."""
    written = actions.write_reporter_tallies(acting_user=None)
    if written:
        logger.info("speakup audit: %s daily tallies written", written)
    return written


@shared_task
def rotate_epoch_keys() -> bool:
    """Start a new epoch when the current one is due to end (daily, from beat)."""
    done = rotation.rotate_epoch_if_due()
    if done is not None:
        logger.info(
            "speakup epoch rotated: %s wraps re-sealed, %s unreadable",
            done.resealed,
            done.unreadable,
        )
    return done is not None
