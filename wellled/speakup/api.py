"""/api/v1/ endpoints of speakup."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
