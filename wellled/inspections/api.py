"""/api/v1/ endpoints of inspections."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
