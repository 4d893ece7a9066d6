"""The site's urls as they are when OIDC_RP_CLIENT_ID is set (the setting is read at start-up)."""

from importlib import import_module

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from wellled.accounts.urls import build_urlpatterns

# Import this module before a test swaps ROOT_URLCONF for it.
site = import_module(settings.ROOT_URLCONF if __name__ != settings.ROOT_URLCONF else "wellled.urls")

urlpatterns: list[URLPattern | URLResolver] = [
    path("account/", include((build_urlpatterns(oidc_enabled=True), "accounts"))),
    *[p for p in site.urlpatterns if str(p.pattern) != "account/"],
]
