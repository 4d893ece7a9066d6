"""/api/v1/ endpoints of assurance."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
