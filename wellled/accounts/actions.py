"""Every write to a person's login: password, second factor, API token, SSO account.

No audit event ever carries a password, a TOTP secret, a backup code or a token.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from wellled.accounts.access import may_reset_two_factor
from wellled.accounts.models import LoginState
from wellled.accounts.queries import must_change_password
from wellled.core import audit
from wellled.core.types import Actor

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def _require_self_or_system(acting_user: Actor, user: User) -> None:
    # None is the system itself (a management command run on the server). An
    # operator (superuser) on the web is not the owner either: a password or token
    # they set would let them log in as anyone, a speak-up guardian included.
    if acting_user is None:
        return
    if not acting_user.is_authenticated or acting_user.pk != user.pk:
        raise PermissionDenied("Only the account's owner can do this")


def _notify_owner(user: User, *, subject: str, message: str) -> None:
    """A content-free email to the login's owner, once the change is saved.

    It names no password or token, so a mailbox read by someone else gives nothing away.
    """
    if not user.email:
        return
    address = user.email

    def send() -> None:
        send_mail(
            subject=subject,
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=True,
        )

    transaction.on_commit(send)


@transaction.atomic
def change_password(*, acting_user: Actor, user: User, new_password: str) -> None:
    """The owner's new password. From the system it is a reset (`reset_password`)."""
    _require_self_or_system(acting_user, user)
    if acting_user is None:
        reset_password(acting_user=None, user=user, new_password=new_password)
        return
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    was_pending = must_change_password(user)
    # The owner's own choice ends any change someone else's password required.
    _set_must_change_password(user, False)
    audit.record(
        acting_user=acting_user,
        action="user.password_changed",
        obj=user,
        before={"must_change_password": was_pending},
        after={"must_change_password": False},
    )


@transaction.atomic
def reset_password(*, acting_user: Actor, user: User, new_password: str) -> None:
    """A password set for someone by the system (`wellled changepassword` on the server).

    Whoever typed it knows it, so: the owner must replace it at their next page,
    every session of theirs ends, and they are told by email. No web page does this.
    """
    if acting_user is not None:
        raise PermissionDenied(
            "Only the account's owner can set its password here. "
            "A forgotten password is reset on the server with `wellled changepassword`."
        )
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    require_password_change(acting_user=acting_user, user=user)
    sessions_ended = _end_sessions_of(user)
    audit.record(
        acting_user=acting_user,
        action="user.password_reset",
        obj=user,
        after={"must_change_password": True, "sessions_ended": sessions_ended},
    )
    _notify_owner(
        user,
        subject="Your password was reset",
        message=(
            "An administrator set a new password for your login. You will be asked to "
            "choose your own password when you next log in, and you have been logged out "
            "everywhere.\n\n"
            "If you did not ask for this, tell your IT service desk straight away."
        ),
    )


def _set_must_change_password(user: User, value: bool) -> None:
    LoginState.objects.update_or_create(user=user, defaults={"must_change_password": value})


@transaction.atomic
def require_password_change(*, acting_user: Actor, user: User) -> None:
    """The owner must choose a new password at their next page (e.g. after a
    one-time password). Called by whoever set that password."""
    was_pending = must_change_password(user)
    _set_must_change_password(user, True)
    audit.record(
        acting_user=acting_user,
        action="user.password_change_required",
        obj=user,
        before={"must_change_password": was_pending},
        after={"must_change_password": True},
    )


def _end_sessions_of(user: User) -> int | None:
    """Log the user out everywhere; None if this session store cannot be searched.

    Only database sessions are listed here. Sessions expire after minutes of idleness,
    so the live ones are few enough to decode one by one.
    """
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return None
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def reset_two_factor(*, acting_user: User, user: User) -> None:
    """Remove someone's authenticator app and backup codes (a lost phone).

    Their next login sets up two-factor again. Their sessions end, so whoever
    holds the lost phone's session cannot enrol an app of their own.
    """
    if acting_user.is_authenticated and acting_user.pk == user.pk:
        raise PermissionDenied(
            "You cannot reset your own two-factor login. Ask another administrator to do it."
        )
    if not may_reset_two_factor(acting_user, user):
        raise PermissionDenied("You cannot reset this person's two-factor login")
    totp = TOTPDevice.objects.filter(user=user)
    static = StaticDevice.objects.filter(user=user)
    before = {"authenticator_apps": totp.count(), "backup_code_sets": static.count()}
    totp.delete()
    static.delete()
    sessions_ended = _end_sessions_of(user)
    audit.record(
        acting_user=acting_user,
        action="two_factor.reset",
        obj=user,
        before=before,
        after={"authenticator_apps": 0, "backup_code_sets": 0, "sessions_ended": sessions_ended},
    )


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enable_two_factor(
    *, acting_user: User, key: str, last_t: int, drift: int = 0
) -> tuple[TOTPDevice, list[str]]:
    """Make the app whose code was just checked the account's second factor.

    The caller has already checked a code from the app against `key` (the secret
    only exists in the enrolling session until now); `last_t` is the time step
    of that code, so it cannot be used again to log in.
    Returns the device and the new backup codes, which are shown once.
    """
    if not acting_user.is_authenticated:
        raise PermissionDenied("Log in first")
    had_two_factor = TOTPDevice.objects.filter(user=acting_user, confirmed=True).exists()
    # One app per account: setting up again replaces a lost or old phone.
    TOTPDevice.objects.filter(user=acting_user).delete()
    device = TOTPDevice(
        user=acting_user,
        name=TOTP_DEVICE_NAME,
        key=key,
        confirmed=True,
        last_t=last_t,
        drift=drift,
    )
    device.full_clean()
    device.save()
    codes = _new_backup_codes(acting_user)
    audit.record(
        acting_user=acting_user,
        action="two_factor.enabled",
        obj=acting_user,
        before={"two_factor": had_two_factor},
        after={"two_factor": True, "backup_codes": BACKUP_CODE_COUNT},
    )
    return device, codes


@transaction.atomic
def regenerate_backup_codes(*, acting_user: User) -> list[str]:
    if not TOTPDevice.objects.filter(user=acting_user, confirmed=True).exists():
        raise ValidationError("Set up two-factor login before making backup codes")
    before = StaticToken.objects.filter(device__user=acting_user).count()
    codes = _new_backup_codes(acting_user)
    audit.record(
        acting_user=acting_user,
        action="two_factor.backup_codes_replaced",
        obj=acting_user,
        before={"backup_codes": before},
        after={"backup_codes": BACKUP_CODE_COUNT},
    )
    return codes


@transaction.atomic
def issue_api_token(*, acting_user: Actor, user: User, rotate: bool = False) -> tuple[Token, bool]:
    """The user's API token, made if missing or replaced if `rotate`.

    Returns (token, whether it is new). Token's primary key and str() are the
    secret itself, so the audit event names the user, never the token.
    """
    _require_self_or_system(acting_user, user)
    # Only the system (`wellled api-token`) reaches here for someone else: whoever
    # runs it sees the token, so even an existing one shown is audited and told.
    for_someone_else = acting_user is None
    existing = Token.objects.select_for_update().filter(user=user).first()
    if existing is not None and not rotate:
        if for_someone_else:
            audit.record(
                acting_user=acting_user,
                action="api_token.shown",
                obj=user,
                after={"api_token": True},
            )
            _notify_api_token_issued(user)
        return existing, False
    if existing is not None:
        existing.delete()
    token = Token.objects.create(user=user)
    audit.record(
        acting_user=acting_user,
        action="api_token.rotated" if existing is not None else "api_token.created",
        obj=user,
        before={"api_token": existing is not None},
        after={"api_token": True},
    )
    if for_someone_else:
        _notify_api_token_issued(user)
    return token, True


def _notify_api_token_issued(user: User) -> None:
    _notify_owner(
        user,
        subject="An API token was issued for your login",
        message=(
            "An administrator issued an API token for your login on the server. Anyone "
            "holding it can use the API as you.\n\n"
            "If you did not ask for this, replace your token on your account page (the old "
            "one then stops working) and tell your IT service desk."
        ),
    )


def _free_username(wanted: str) -> str:
    base = wanted[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def create_sso_user(*, acting_user: Actor, email: str, first_name: str, last_name: str) -> User:
    """A new account for someone whose identity provider vouched for them. No roles:
    a trust administrator grants those."""
    email = email.strip()
    if not email:
        raise ValidationError({"email": "The identity provider sent no email address"})
    user = User.objects.create_user(
        _free_username(email.lower()),
        email=email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
    )
    # No password: this account logs in through the identity provider only.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit.record(
        acting_user=acting_user,
        action="user.created_by_sso",
        obj=user,
        after={"username": user.username, "source": "oidc"},
    )
    return user


@transaction.atomic
def update_sso_user_names(
    *, acting_user: Actor, user: User, first_name: str, last_name: str
) -> User:
    """Keep names in step with the identity provider. Blank claims change nothing."""
    before = {"first_name": user.first_name, "last_name": user.last_name}
    after = dict(before)
    if first_name.strip():
        after["first_name"] = first_name.strip()[:150]
    if last_name.strip():
        after["last_name"] = last_name.strip()[:150]
    old, new = audit.diff(before, after)
    if not new:
        return user
    for name, value in new.items():
        setattr(user, name, value)
    user.save(update_fields=list(new))
    audit.record(
        acting_user=acting_user,
        action="user.names_updated_by_sso",
        obj=user,
        before=old,
        after=new,
    )
    return user
