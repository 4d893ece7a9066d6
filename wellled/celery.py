from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")

app = Celery("wellled")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The embedded filesystem broker has no broadcast channel for remote control.
if app.conf.broker_url == "filesystem://":
    app.conf.worker_enable_remote_control = False
app.autodiscover_tasks()
