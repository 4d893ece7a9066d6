"""wellled: a well-led platform for NHS trusts.

Importing this package imports nothing else, so that `wellled.engines` can be
used in a notebook without Django. The Celery app is loaded by the core app's
ready() and by `celery -A wellled`.
"""
