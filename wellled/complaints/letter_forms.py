"""The forms of letters: drafting and editing one (a final response with its
checklist, a signed-off one behind its withdrawal), the trust's templates and its
letterhead."""

from __future__ import annotations

from django import forms

from wellled.core.nhsforms import NHSForm


class LetterForm(NHSForm):
    subject = forms.CharField(
        label="Subject", max_length=200, error_messages={"required": "Enter the subject line"}
    )
    body = forms.CharField(
        label="Letter",
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": "Enter the letter's text"},
    )


class FinalLetterForm(LetterForm):
    confirms_how_considered = forms.BooleanField(
        label="It explains how the complaint was considered", required=False
    )
    confirms_conclusions = forms.BooleanField(
        label="It sets out the conclusions, including anything needing remedial action",
        required=False,
    )
    confirms_actions = forms.BooleanField(
        label="It confirms the action taken or proposed", required=False
    )
    confirms_ombudsman_rights = forms.BooleanField(
        label="It tells the complainant of their right to go to the Ombudsman", required=False
    )


class SignedOffLetterForm(FinalLetterForm):
    """A signed-off response is locked: changing it says out loud that it withdraws
    the sign-off."""

    withdraw_sign_off = forms.BooleanField(
        label="I understand that saving a change withdraws the sign-off, and the response "
        "must be signed off again before it is sent",
        error_messages={"required": "Confirm that changing the response withdraws its sign-off"},
    )


class LetterheadForm(NHSForm):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the name printed at the top of letters"},
    )
    address = forms.CharField(
        label="Address",
        help_text="One line of the address a line, as it should be printed",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the address letters come from"},
    )
    phone = forms.CharField(label="Telephone (optional)", required=False, max_length=40)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like complaints@example.nhs.uk"},
    )
    website = forms.CharField(label="Website (optional)", required=False, max_length=200)


class LetterTemplateForm(LetterForm):
    """A template has the same two fields as a letter."""
