from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path

from wellled.accounts import views

app_name = "accounts"


def build_urlpatterns(*, oidc_enabled: bool) -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = [
        path("login/", views.login_view, name="login"),
        # POST only (Django's LogoutView refuses GET), so a link cannot log anyone out.
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
        path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
        path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
        path("password/", views.password_change, name="password_change"),
        path("api-token/", views.api_token, name="api_token"),
        path("", views.profile, name="profile"),
    ]
    if oidc_enabled:
        # Imported only when on: mozilla_django_oidc is installed only then.
        from wellled.accounts.oidc import oidc_urlpatterns

        patterns += oidc_urlpatterns()
    return patterns


urlpatterns = build_urlpatterns(oidc_enabled=settings.OIDC_ENABLED)
