"""Celery tasks for CQC assurance: thin wrappers that call the module's functions."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="wellled.assurance.tasks.prune_inspection_packs")
def prune_inspection_packs() -> int:
    """Daily: delete inspection pack ZIPs older than WELLLED_ASSURANCE_PACK_DAYS (pack.py)."""
    from wellled.assurance.pack import prune_packs

    return prune_packs()
