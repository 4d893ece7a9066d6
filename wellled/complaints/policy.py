"""The public online form's time limits, shared by the form (`public.py`), the reads
of documents held for it (`queries.held_cutoff`) and the action that prunes them.

They live here, not in the form's view module, so that the queries and actions
below the views can read them without importing a view.
"""

from __future__ import annotations

# A form sent sooner than this after it was issued is a bot's.
MIN_SECONDS = 3
# A form older than this (seconds) is refused, and documents held for it are deleted.
MAX_AGE = 2 * 60 * 60
