"""Login forms, with NHS.UK error messages that say exactly what to do."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP

from wellled.accounts.queries import confirmed_devices_for_code
from wellled.core.nhsforms import NHSFormMixin

CODE_NOT_RIGHT = "The code is not right. Enter the 6-digit code your app shows now"
TOO_MANY_CODES = "You have entered too many wrong codes. Wait a minute, then try again"
ENTER_CODE = "Enter the 6-digit code from your authenticator app"


class LoginForm(NHSFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        # The same words whether the username or the password is wrong, or the
        # account is inactive or locked: nothing tells an attacker which.
        "invalid_login": "The username or password is not right",
        "inactive": "The username or password is not right",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["username"].error_messages["required"] = "Enter your username"
        # NHS.UK guidance: no autofocus, which disorients screen reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update({"spellcheck": "false"})
        self.fields["password"].label = "Password"
        self.fields["password"].error_messages["required"] = "Enter your password"


class PasswordChangeForm(NHSFormMixin, auth_forms.PasswordChangeForm):
    error_messages = {
        "password_incorrect": "Your current password is not right",
        "password_mismatch": "The new passwords do not match. Enter the same new password twice",
    }

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        labels = {
            "old_password": ("Current password", "Enter your current password"),
            "new_password1": ("New password", "Enter a new password"),
            "new_password2": ("New password again", "Enter the new password again"),
        }
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
            self.fields[name].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, and not all numbers. "
            "Three or four unrelated words work well."
        )

    def save(self, commit: bool = True) -> User:
        # The view saves through accounts.actions.change_password instead.
        raise NotImplementedError


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _code_widget() -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "class": "nhsuk-input nhsuk-input--width-10",
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "none",
        }
    )


class TwoFactorCodeForm(NHSFormMixin, forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes",
        max_length=32,
        error_messages={"required": ENTER_CODE},
        widget=_code_widget(),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None

    def _candidates(self, code: str) -> list[Device]:
        return confirmed_devices_for_code(self.user, code)

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(ENTER_CODE)
        candidates = self._candidates(code)
        if candidates and not any(device.verify_is_allowed()[0] for device in candidates):
            raise forms.ValidationError(TOO_MANY_CODES)
        for device in candidates:
            # verify_token locks the device row and counts failures for throttling.
            verified = verify_token(self.user, device.persistent_id, code)
            if verified is not None:
                self.device = verified
                return code
        if code.isdigit() and len(code) == 6:
            raise forms.ValidationError(CODE_NOT_RIGHT)
        raise forms.ValidationError(
            "The code is not right. Enter the 6-digit code from your app, "
            "or a backup code exactly as it was shown"
        )


class ConfirmAppForm(NHSFormMixin, forms.Form):
    """The first code from a newly added app, which proves it holds the secret."""

    code = forms.CharField(
        label="Code from your app",
        help_text="Your app shows a new 6-digit code every 30 seconds",
        max_length=32,
        error_messages={"required": ENTER_CODE},
        widget=_code_widget(),
    )

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.matched_t = -1
        self.matched_drift = 0

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(ENTER_CODE)
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        totp = TOTP(bytes.fromhex(self.key))
        # One step either way allows for a phone clock that is a little out.
        if not totp.verify(int(code), tolerance=1):
            raise forms.ValidationError(
                "The code is not right. Check you scanned the QR code or typed the key "
                "correctly, then enter the code your app shows now"
            )
        self.matched_t = totp.t()
        self.matched_drift = totp.drift
        return code
