"""/api/v1/ endpoints of surveys."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
