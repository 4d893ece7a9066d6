"""Pages for speaking up (anonymous, open, confidential) and guardians' casework.

Anonymous pages run under `protection.anonymous_route`: no login, no cookies, no
client address. The reporter's code travels in each form post (never in a URL or
a cookie), and each post re-derives the case key from it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.core import audit
from wellled.core.middleware import leaves_no_trace
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.speakup import actions, enrolment, forms, keysession, protection, queries
from wellled.speakup.models import Case, CaseAction, Route, WorkerGroup
from wellled.speakup.uploads import install_handler

NOT_RECOGNISED = "That code was not recognised. Check it and try again."


def _limit_uploads(request: HttpRequest, *, refuse_all: bool = False) -> None:
    if request.method == "POST":
        install_handler(request, refuse_all=refuse_all)


def _retry_after(response: HttpResponse, refusal: protection.Refusal) -> HttpResponse:
    response["Retry-After"] = str(refusal.retry_after)
    return response


def memory_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep uploaded files in memory, never in a temporary file on disk: the upload
    handlers must be set before CSRF checking reads the body, so CSRF is checked
    here, after them."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _limit_uploads(request)
        return protected(request, *args, **kwargs)

    return wrapper


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages[0] if item.messages else str(item))
    else:
        for message in error.messages:
            form.add_error(None, message)


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "href": href} for label, href in pairs]


# --- Public pages ---


@protection.anonymous_route
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "speakup/index.html", {})


@protection.anonymous_route
@require_http_methods(["GET", "POST"])
def anonymous_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = forms.AnonymousConcernForm()
        return render(request, "speakup/anonymous_new.html", {"form": form})
    # Checked before the body is read, so a refused client's files are never kept;
    # what they typed is still shown back to them.
    refusal = protection.submission_refused(request)
    _limit_uploads(request, refuse_all=refusal is not None)
    form = forms.AnonymousConcernForm(request.POST, request.FILES)
    if refusal is not None:
        form.is_valid()
        form.add_error(None, refusal.message)
        response = render(request, "speakup/anonymous_new.html", {"form": form}, status=429)
        return _retry_after(response, refusal)
    # Every attempt counts, sent or refused: each one costs the server.
    protection.record_submission(request)
    if form.is_valid():
        data = form.cleaned_data
        concern = actions.NewConcern(
            narrative=data["narrative"],
            files=forms.files_of(data["files"]),
            strip_metadata=data["strip_metadata"],
            notify_email=data["notify_email"] or "",
            worker_group=data["worker_group"] or WorkerGroup.NOT_KNOWN,
        )
        try:
            result = actions.submit_anonymous_concern(concern=concern)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return render(
                request,
                "speakup/submitted.html",
                {"code": result.code, "anonymous": True, "sent_to": result.sent_to},
            )
    return render(request, "speakup/anonymous_new.html", {"form": form})


def _reporter_page(
    request: HttpRequest,
    session: actions.ReporterSession,
    code: str,
    *,
    message_form: forms.ReporterMessageForm | None = None,
    feedback_form: forms.FeedbackForm | None = None,
    reveal_form: forms.RevealForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    case = session.case
    case.refresh_from_db()
    content_narrative = actions.crypto.open_text(session.case_key, case.sealed_narrative)
    context = {
        "case": case,
        "code": code,
        "narrative": content_narrative,
        "first_files": queries.first_attachments(case, session.case_key),
        "messages_list": queries.messages_for(case, session.case_key, for_reporter=True),
        "received_label": queries.week_label(case.received_week),
        "message_form": message_form or forms.ReporterMessageForm(),
        "feedback_form": feedback_form or forms.FeedbackForm(),
        "reveal_form": reveal_form or forms.RevealForm(),
        "can_answer_feedback": case.feedback_requested and case.feedback_answer == "blank",
        "can_reveal": case.disclosure != Route.OPEN,
        "notice": notice,
        "error_form": next(
            (f for f in (message_form, feedback_form, reveal_form) if f is not None and f.errors),
            None,
        ),
    }
    return render(request, "speakup/reporter_case.html", context, status=status)


@protection.anonymous_route
@require_http_methods(["GET", "POST"])
def anonymous_return(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "speakup/anonymous_return.html", {"form": forms.CodeForm()})
    refused = _code_refused(request)
    if refused is not None:
        return refused
    _limit_uploads(request)
    code = str(request.POST.get("code", ""))[:100]
    session_or_page = _open_with_code(request, code)
    if isinstance(session_or_page, HttpResponse):
        return session_or_page
    session = session_or_page
    op = request.POST.get("op", "open")
    if op == "message":
        message_form = forms.ReporterMessageForm(request.POST, request.FILES)
        if request.FILES:
            # Files sent on a case count as a submission, whether kept or refused.
            refusal = protection.submission_refused(request)
            protection.record_submission(request)
            if refusal is not None:
                message_form.is_valid()
                message_form.add_error(None, refusal.message)
                page = _reporter_page(request, session, code, message_form=message_form, status=429)
                return _retry_after(page, refusal)
        if message_form.is_valid():
            try:
                actions.post_reporter_message(
                    session=session,
                    body=message_form.cleaned_data["body"],
                    files=forms.files_of(message_form.cleaned_data["files"]),
                    strip_metadata=message_form.cleaned_data["strip_metadata"],
                )
            except ValidationError as error:
                _apply_errors(message_form, error)
            else:
                return _reporter_page(request, session, code, notice="Your message has been sent.")
        return _reporter_page(request, session, code, message_form=message_form)
    if op == "feedback":
        feedback_form = forms.FeedbackForm(request.POST)
        if feedback_form.is_valid():
            try:
                actions.answer_feedback(
                    session=session,
                    answer=feedback_form.cleaned_data["answer"],
                    reason=feedback_form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _apply_errors(feedback_form, error)
            else:
                return _reporter_page(request, session, code, notice="Thank you for your answer.")
        return _reporter_page(request, session, code, feedback_form=feedback_form)
    if op == "reveal":
        reveal_form = forms.RevealForm(request.POST)
        if reveal_form.is_valid():
            data = reveal_form.cleaned_data
            try:
                actions.reveal_identity(
                    session=session,
                    level=data["level"],
                    name=data["name"],
                    contact=data["contact"],
                    confirm=data["confirm"],
                )
            except ValidationError as error:
                _apply_errors(reveal_form, error)
            else:
                return _reporter_page(
                    request, session, code, notice="The guardian can now see your name."
                )
        return _reporter_page(request, session, code, reveal_form=reveal_form)
    return _reporter_page(request, session, code)


@protection.anonymous_route
@require_http_methods(["GET", "POST"])
def anonymous_file(request: HttpRequest) -> HttpResponse:
    """Download a file on the reporter's case: the code comes in the post body."""
    if request.method != "POST":
        return redirect("speakup:anonymous_return")
    refused = _code_refused(request)
    if refused is not None:
        return refused
    session = _open_with_code(request, str(request.POST.get("code", ""))[:100])
    if isinstance(session, HttpResponse):
        return session
    meta, data = queries.open_attachment(
        session.case, session.case_key, request.POST.get("file", "")
    )
    return _download(meta, data)


def _code_page(request: HttpRequest, code: str, error: str, *, status: int = 200) -> HttpResponse:
    """The code page again, with what was typed and why it did not open."""
    bound = forms.CodeForm({"code": code})
    bound.is_valid()
    bound.add_error("code", error)
    return render(request, "speakup/anonymous_return.html", {"form": bound}, status=status)


def _code_refused(request: HttpRequest) -> HttpResponse | None:
    """429 before the body is read, when this client has had too many wrong codes."""
    refusal = protection.code_refused(request)
    if refusal is None:
        return None
    return _retry_after(_code_page(request, "", refusal.message, status=429), refusal)


def _open_with_code(request: HttpRequest, code: str) -> actions.ReporterSession | HttpResponse:
    """The reporter's case, or the code page again: 400 for something that cannot be
    a code (not counted as a guess), 200 with the error for a code that opens nothing."""
    if protection.code_malformed(code):
        return _code_page(request, code, protection.BAD_CODE, status=400)
    try:
        return actions.open_with_code(code=code)
    except actions.CodeNotRecognised:
        protection.record_code_failure(request)
        return _code_page(request, code, NOT_RECOGNISED)


def _download(meta: dict[str, object], data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=str(meta.get("type", "application/octet-stream")))
    disposition = content_disposition_header(True, str(meta.get("name", "file")))
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- Staff: open and confidential ---


@leaves_no_trace
@memory_uploads
@login_required
@require_http_methods(["GET", "POST"])
def raise_concern(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.RAISE_CONCERN)
    if request.method == "POST":
        form = forms.StaffConcernForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            concern = actions.NewConcern(
                narrative=data["narrative"],
                route=data["route"],
                files=forms.files_of(data["files"]),
                strip_metadata=data["strip_metadata"],
                notify_email=data["notify_email"] or "",
                reporter_contact=data["reporter_contact"],
                unit=data["unit"],
                worker_group=data["worker_group"] or WorkerGroup.NOT_KNOWN,
            )
            try:
                result = actions.raise_concern(acting_user=request.user, concern=concern)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                response = render(
                    request,
                    "speakup/submitted.html",
                    {"code": result.code, "anonymous": False, "sent_to": result.sent_to},
                )
                response["Cache-Control"] = "no-store"
                return response
    else:
        form = forms.StaffConcernForm()
    return render(
        request,
        "speakup/raise.html",
        {"form": form, "breadcrumbs": _crumbs(("Speak up", reverse("speakup:index")))},
    )


# --- Guardians ---

View = Callable[..., HttpResponse]


def guardian_view(*, needs_key: bool = True, nominees: bool = False) -> Callable[[View], View]:
    """A guardian's page; with nominees=True also open to someone whose guardian
    grant awaits approval (to set up and unlock the key a guardian will approve)."""

    def decorate(view: View) -> View:
        @memory_uploads
        @login_required
        @wraps(view)
        def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (nominees and enrolment.is_nominee(request.user)):
                require(request.user, Cap.READ_SPEAKUP_CASES)
            if needs_key:
                if not queries.guardian_has_key(request.user):
                    return redirect("speakup:key_setup")
                private_key = keysession.private_key(request)
                if private_key is None:
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('speakup:unlock')}?{query}")
                request.speakup_private_key = private_key  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorate


def _key(request: HttpRequest) -> bytes:
    return request.speakup_private_key  # type: ignore[attr-defined]


def _guardian_crumbs(*extra: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs(("Speak-up caseload", reverse("speakup:caseload")), *extra)


@guardian_view(needs_key=False, nominees=True)
@require_http_methods(["GET", "POST"])
def key_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if queries.guardian_has_key(request.user):
        status = enrolment.key_status(request.user)
        if status["trusted"]:
            return redirect("speakup:unlock")
        # Set up, not yet approved: the fingerprint to read to the approving guardian.
        return render(request, "speakup/key_status.html", status)
    form = forms.KeySetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_up_guardian_key(
                acting_user=request.user,
                passphrase=form.cleaned_data["passphrase"],
                confirm=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            private = actions.unlock_guardian_key(
                acting_user=request.user, passphrase=form.cleaned_data["passphrase"]
            )
            # A new key awaits approval: the next page shows its fingerprint.
            response = redirect("speakup:key_setup")
            keysession.store(request, response, private)
            return response
    return render(request, "speakup/key_setup.html", {"form": form})


@guardian_view(needs_key=False)
@require_http_methods(["GET", "POST"])
def key_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change the passphrase, or start again with a new key after forgetting it."""
    if not queries.guardian_has_key(request.user):
        return redirect("speakup:key_setup")
    op = request.POST.get("op", "") if request.method == "POST" else ""
    change = forms.ChangePassphraseForm(
        request.POST if op == "change" else None, auto_id="change_%s"
    )
    reset = forms.ResetKeyForm(request.POST if op == "reset" else None, auto_id="reset_%s")
    if op == "change" and change.is_valid():
        try:
            actions.change_guardian_passphrase(
                acting_user=request.user,
                old_passphrase=change.cleaned_data["old_passphrase"],
                new_passphrase=change.cleaned_data["new_passphrase"],
                confirm=change.cleaned_data["confirm"],
            )
        except ValidationError as error:
            _apply_errors(change, error)
        else:
            return redirect("speakup:caseload")
    if op == "reset" and reset.is_valid():
        try:
            actions.reset_guardian_key(
                acting_user=request.user,
                passphrase=reset.cleaned_data["passphrase"],
                confirm=reset.cleaned_data["confirm"],
                understood=reset.cleaned_data["understood"],
            )
        except ValidationError as error:
            _apply_errors(reset, error)
        else:
            private = actions.unlock_guardian_key(
                acting_user=request.user, passphrase=reset.cleaned_data["passphrase"]
            )
            response = redirect("speakup:caseload")
            keysession.store(request, response, private)
            return response
    cases = queries.cases_visible_to(request.user).filter(shredded=False).count()
    return render(
        request,
        "speakup/key_manage.html",
        {
            "change_form": change,
            "reset_form": reset,
            "error_form": change if change.errors else (reset if reset.errors else None),
            "cases": cases,
        },
    )


@guardian_view(needs_key=False)
@require_http_methods(["GET", "POST"])
def unlock(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not queries.guardian_has_key(request.user):
        return redirect("speakup:key_setup")
    form = forms.UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            private = actions.unlock_guardian_key(
                acting_user=request.user, passphrase=form.cleaned_data["passphrase"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse("speakup:caseload")
            response = redirect(target or reverse("speakup:caseload"))
            keysession.store(request, response, private)
            return response
    return render(request, "speakup/unlock.html", {"form": form})


@guardian_view(needs_key=False)
@require_POST
def lock(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = redirect("speakup:unlock")
    keysession.forget(request, response)
    return response


@guardian_view()
@require_GET
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.CaseloadFilterForm(request.GET or None)
    status = "open"
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or "open"
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    cases, total = queries.caseload(request.user, status=status, page=page)
    rows = queries.decrypt_summaries(request.user, _key(request), cases)
    if rows:
        with transaction.atomic():
            audit.record(
                acting_user=request.user,
                action="speakup.caseload_viewed",
                after={"cases": [row.case.reference for row in rows]},
            )
    pages = max((total + 24) // 25, 1)
    return render(
        request,
        "speakup/caseload.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "status": status,
            "previous_url": f"?{urlencode({'status': status, 'page': page - 1})}"
            if page > 1
            else "",
            "next_url": f"?{urlencode({'status': status, 'page': page + 1})}"
            if page < pages
            else "",
            "key_status": enrolment.key_status(request.user),
            "waiting_for_approval": len([e for e in enrolment.enrolments() if e.awaiting_approval]),
        },
    )


@guardian_view()
@require_http_methods(["GET", "POST"])
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.OnBehalfForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        concern = actions.NewConcern(
            narrative=data["narrative"],
            route=data["route"],
            files=forms.files_of(data["files"]),
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            unit=data["unit"],
            worker_group=data["worker_group"],
        )
        try:
            result = actions.record_on_behalf(
                acting_user=request.user,
                concern=concern,
                channel=data["channel"],
                received_on=data["received_on"],
                issue_code=data["issue_code"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return render(
                request,
                "speakup/recorded.html",
                {"case": result.case, "code": result.code},
            )
    return render(
        request,
        "speakup/record.html",
        {"form": form, "breadcrumbs": _guardian_crumbs()},
    )


CASE_OPS = (
    "triage",
    "status",
    "reply",
    "action",
    "action_done",
    "escalate",
    "detriment",
    "assign",
    "close",
    "feedback",
    "shred",
)


@guardian_view()
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = queries.get_case_for_user(request.user, reference)
    ctx = actions.open_case(acting_user=request.user, case=case, private_key=_key(request))
    guardians = queries.other_guardians(request.user)
    forms_by_op: dict[str, Form] = {}
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op not in CASE_OPS:
            raise PermissionDenied
        done, form = _case_op(request, case, op, guardians)
        if done:
            if op == "shred" or (
                op == "assign"
                and not queries.cases_visible_to(request.user).filter(pk=case.pk).exists()
            ):
                return redirect("speakup:caseload")
            return redirect(reverse("speakup:case", args=[case.reference]) + f"#{op}")
        forms_by_op[op] = form
    # Every display of the case's content is audited, including a form re-shown.
    audit.record_view(acting_user=request.user, obj=case)
    case.refresh_from_db()
    content = queries.case_content(case, ctx.case_key)
    initial_triage = {
        "summary": content.summary,
        "element_patient_safety": case.element_patient_safety,
        "element_worker_safety": case.element_worker_safety,
        "element_bullying_harassment": case.element_bullying_harassment,
        "element_other_behaviour": case.element_other_behaviour,
        "worker_group": case.worker_group,
        "unit": case.unit_id,
        "themes": list(case.themes.values_list("pk", flat=True)),
    }
    anonymous = case.route == Route.ANONYMOUS
    context = {
        "case": case,
        "content": content,
        "anonymous": anonymous,
        "received_label": queries.week_label(case.received_week),
        "messages_list": queries.messages_for(case, ctx.case_key, for_reporter=False),
        "first_files": queries.first_attachments(case, ctx.case_key),
        "guardians_on": queries.guardians_on(case),
        "themes": list(case.themes.all()),
        "triage_form": forms_by_op.get("triage") or forms.TriageForm(initial=initial_triage),
        "status_form": forms_by_op.get("status")
        or forms.StatusForm(initial={"status": case.status}),
        "reply_form": forms_by_op.get("reply") or forms.ReplyForm(),
        "action_form": forms_by_op.get("action") or forms.ActionForm(),
        "escalation_form": forms_by_op.get("escalate") or forms.EscalationForm(),
        "detriment_form": forms_by_op.get("detriment")
        or forms.DetrimentForm(initial={"reported": case.detriment_reported}),
        "assign_form": forms_by_op.get("assign") or forms.AssignForm(guardians=guardians),
        "close_form": forms_by_op.get("close") or forms.CloseForm(),
        "feedback_form": forms_by_op.get("feedback") or forms.GuardianFeedbackForm(),
        "shred_form": forms_by_op.get("shred") or forms.ShredForm(),
        "has_guardians": guardians.exists(),
        "error_form": next((f for f in forms_by_op.values() if f.errors), None),
        "breadcrumbs": _guardian_crumbs(),
    }
    # Several forms share one page: give each its own element ids.
    for name, value in context.items():
        if isinstance(value, Form) and name != "error_form":
            value.auto_id = name.removesuffix("_form") + "_%s"
    return render(request, "speakup/case.html", context, status=400 if forms_by_op else 200)


def _case_op(
    request: AuthenticatedHttpRequest, case: Case, op: str, guardians: Any
) -> tuple[bool, Form]:
    user = request.user
    key = _key(request)
    post = request.POST
    form: Form
    try:
        if op == "triage":
            form = forms.TriageForm(post)
            if not form.is_valid():
                return False, form
            data = form.cleaned_data
            themes = list(data["themes"])
            if data["new_theme"].strip():
                themes.append(actions.add_theme(acting_user=user, name=data["new_theme"]))
            actions.triage(
                acting_user=user,
                case=case,
                private_key=key,
                details=actions.CaseDetails(
                    summary=data["summary"],
                    element_patient_safety=data["element_patient_safety"],
                    element_worker_safety=data["element_worker_safety"],
                    element_bullying_harassment=data["element_bullying_harassment"],
                    element_other_behaviour=data["element_other_behaviour"],
                    worker_group=data["worker_group"],
                    unit=data["unit"],
                    themes=themes,
                ),
            )
        elif op == "status":
            form = forms.StatusForm(post)
            if not form.is_valid():
                return False, form
            actions.set_status(acting_user=user, case=case, status=form.cleaned_data["status"])
        elif op == "reply":
            form = forms.ReplyForm(post, request.FILES)
            if not form.is_valid():
                return False, form
            actions.post_guardian_message(
                acting_user=user,
                case=case,
                private_key=key,
                body=form.cleaned_data["body"],
                files=forms.files_of(form.cleaned_data["files"]),
                internal=form.cleaned_data["internal"],
            )
        elif op == "action":
            form = forms.ActionForm(post)
            if not form.is_valid():
                return False, form
            actions.add_action(
                acting_user=user,
                case=case,
                private_key=key,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due=form.cleaned_data["due"],
            )
        elif op == "action_done":
            form = forms.ActionForm(data={})
            form.is_valid()
            action_id = str(post.get("action_id", ""))
            action = (
                CaseAction.objects.filter(case=case, pk=int(action_id)).first()
                if action_id.isdigit()
                else None
            )
            if action is None:
                form.add_error(None, "That action is not on this case")
                return False, form
            actions.complete_action(acting_user=user, action=action)
        elif op == "escalate":
            form = forms.EscalationForm(post)
            if not form.is_valid():
                return False, form
            actions.escalate(
                acting_user=user,
                case=case,
                private_key=key,
                route=form.cleaned_data["route"],
                note=form.cleaned_data["note"],
                escalated_on=form.cleaned_data["escalated_on"],
            )
        elif op == "detriment":
            form = forms.DetrimentForm(post)
            if not form.is_valid():
                return False, form
            actions.record_detriment(
                acting_user=user,
                case=case,
                private_key=key,
                reported=form.cleaned_data["reported"],
                follow_up_due=form.cleaned_data["follow_up_due"],
                note=form.cleaned_data["note"],
            )
        elif op == "assign":
            form = forms.AssignForm(post, guardians=guardians)
            if not form.is_valid():
                return False, form
            actions.assign_guardian(
                acting_user=user,
                case=case,
                private_key=key,
                guardian=form.cleaned_data["guardian"],
                remove_self=form.cleaned_data["remove_self"],
            )
        elif op == "close":
            form = forms.CloseForm(post)
            if not form.is_valid():
                return False, form
            actions.close_case(
                acting_user=user, case=case, private_key=key, outcome=form.cleaned_data["outcome"]
            )
        elif op == "feedback":
            form = forms.GuardianFeedbackForm(post)
            if not form.is_valid():
                return False, form
            actions.record_feedback(
                acting_user=user,
                case=case,
                private_key=key,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        else:  # shred
            form = forms.ShredForm(post)
            if not form.is_valid():
                return False, form
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", "Confirm that the case should be destroyed for ever")
                return False, form
            actions.shred_case(acting_user=user, case=case)
    except ValidationError as error:
        _apply_errors(form, error)
        return False, form
    return True, form


@guardian_view()
@require_GET
def case_file(request: AuthenticatedHttpRequest, reference: str, file_id: str) -> HttpResponse:
    case = queries.get_case_for_user(request.user, reference)
    ctx = actions.open_case(acting_user=request.user, case=case, private_key=_key(request))
    meta, data = queries.open_attachment(case, ctx.case_key, file_id)
    audit.record_view(acting_user=request.user, obj=case, reason="file downloaded")
    return _download(meta, data)


def can_raise(user: Any) -> bool:
    return bool(user.is_authenticated and can(user, Cap.RAISE_CONCERN))
