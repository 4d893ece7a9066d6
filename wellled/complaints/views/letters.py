"""Letter pages: a case's letter to edit, send and download, and the trust's templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wellled.complaints import actions, forms, letters
from wellled.complaints.models import Letterhead, LetterKind, Status
from wellled.complaints.queries import get_letter_for_user
from wellled.complaints.views._common import case_crumbs, settings_crumbs
from wellled.core import audit
from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, require
from wellled.organisation.queries import get_trust

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_class(kind: str, locked: bool) -> type[forms.LetterForm]:
    if locked:
        return forms.SignedOffLetterForm
    return forms.FinalLetterForm if kind == LetterKind.FINAL else forms.LetterForm


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: AuthenticatedHttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    letter = get_letter_for_user(request.user, pk, letter_pk)
    complaint = letter.complaint
    # A signed-off response is locked: its form asks to withdraw the sign-off.
    locked = letter.kind == LetterKind.FINAL and complaint.status == Status.SIGNED_OFF
    form_class = _form_class(letter.kind, locked)
    initial = {
        "subject": letter.subject,
        "body": letter.body,
        "confirms_how_considered": letter.confirms_how_considered,
        "confirms_conclusions": letter.confirms_conclusions,
        "confirms_actions": letter.confirms_actions,
        "confirms_ombudsman_rights": letter.confirms_ombudsman_rights,
    }
    posted = request.POST if request.method == "POST" else {}
    # One page, two forms: the letter's text, and the day it was sent.
    form: forms.LetterForm = form_class(posted if "subject" in posted else None, initial=initial)
    sent_form = forms.LetterSentForm(posted if "sent_on_day" in posted else None, prefix=None)
    done = None
    if form.is_bound and form.is_valid():
        done = run_action(
            request,
            form,
            lambda data: actions.edit_letter(acting_user=request.user, letter=letter, **data),
            aliases=forms.action_aliases(form),
            success="The letter is saved. Its sign-off is withdrawn: it must be signed off again"
            if locked
            else "The letter is saved",
            then=lambda _: redirect("complaints:letter", pk=complaint.pk, letter_pk=letter.pk),
        )
    elif sent_form.is_bound:
        done = run_action(
            request,
            sent_form,
            lambda data: actions.mark_letter_sent(
                acting_user=request.user, letter=letter, sent_on=data["sent_on"]
            ),
            aliases=forms.action_aliases(sent_form),
            success="The letter is recorded as sent",
            then=lambda _: redirect("complaints:detail", pk=complaint.pk),
        )
    if done:
        return done
    # The letter names the complainant: the look is on the audit trail.
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/letter.html",
        {
            "letter": letter,
            "complaint": complaint,
            "locked": locked,
            "form": sent_form if sent_form.is_bound else form,
            "edit_form": form,
            "sent_form": sent_form,
            "has_ombudsman_paragraph": letters.has_ombudsman_paragraph(letter.body),
            "breadcrumbs": case_crumbs(complaint),
        },
    )


@login_required
@require_GET
def letter_download(
    request: AuthenticatedHttpRequest, pk: int, letter_pk: int, fmt: str
) -> HttpResponse:
    letter = get_letter_for_user(request.user, pk, letter_pk)
    audit.record_view(acting_user=request.user, obj=letter.complaint, reason=f"letter {fmt}")
    trust = get_trust()
    trust_name = trust.name if trust else "NHS trust"
    name = f"{letter.complaint.reference}-{letter.kind}"
    if fmt == "pdf":
        response = HttpResponse(letters.letter_pdf(letter, trust_name), "application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    elif fmt == "docx":
        response = HttpResponse(letters.letter_docx(letter, trust_name), DOCX)
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    else:
        raise Http404("No such format")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def letter_templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    rows = [
        {"kind": kind, "label": label, "template": letters.template_for(kind)}
        for kind, label in LetterKind.choices
    ]
    return render(
        request,
        "complaints/letter_templates.html",
        {"rows": rows, "breadcrumbs": crumbs(*settings_crumbs(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    require(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    if kind not in LetterKind.values:
        raise Http404("No such letter")
    template = letters.template_for(kind)
    form = forms.LetterTemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": template.subject, "body": template.body},
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.save_letter_template(acting_user=request.user, kind=kind, **data),
            aliases=forms.action_aliases(form),
            success=f"The {template.get_kind_display().lower()} template is saved",
            then=reverse("complaints:letter_templates"),
        )
        if done:
            return done
    return render(
        request,
        "complaints/letter_template_edit.html",
        {
            "form": form,
            "template": template,
            "variables": sorted(letters.VARIABLES.items()),
            "breadcrumbs": crumbs(
                *settings_crumbs(request.user),
                ("Letter templates", reverse("complaints:letter_templates")),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letterhead_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The trust's name, address and contact details at the top of every letter."""
    require(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    saved = Letterhead.objects.order_by("pk").first()
    trust = get_trust()
    initial = (
        {name: getattr(saved, name) for name in actions.LETTERHEAD_FIELDS}
        if saved
        else {"name": trust.name if trust else ""}
    )
    form = forms.LetterheadForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.save_letterhead(acting_user=request.user, **data),
            aliases=forms.action_aliases(form),
            success="The letterhead is saved: new downloads of every letter use it",
            then=reverse("complaints:letter_templates"),
        )
        if done:
            return done
    return render(
        request,
        "complaints/letterhead_edit.html",
        {
            "form": form,
            "breadcrumbs": crumbs(
                *settings_crumbs(request.user),
                ("Letter templates", reverse("complaints:letter_templates")),
            ),
        },
    )
