"""The public pages: speaking up anonymously, and coming back with the receipt code.

Anonymous pages run under `protection.anonymous_route`: no login, no cookies, no
client address. The reporter's code travels in each form post (never in a URL or
a cookie), and each post re-derives the case key from it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import run_action
from wellled.speakup import actions, forms, protection, queries
from wellled.speakup.models import Route, WorkerGroup
from wellled.speakup.view_support import download, limit_uploads, retry_after

NOT_RECOGNISED = "That code was not recognised. Check it and try again."

Session = actions.ReporterSession


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
    limit_uploads(request, refuse_all=refusal is not None)
    form = forms.AnonymousConcernForm(request.POST, request.FILES)
    if refusal is not None:
        form.is_valid()
        form.add_error(None, refusal.message)
        response = render(request, "speakup/anonymous_new.html", {"form": form}, status=429)
        return retry_after(response, refusal)
    # Every attempt counts, sent or refused: each one costs the server.
    protection.record_submission(request)
    done = run_action(
        request,
        form,
        lambda data: actions.submit_anonymous_concern(
            concern=actions.NewConcern(
                narrative=data["narrative"],
                files=forms.files_of(data["files"]),
                strip_metadata=data["strip_metadata"],
                notify_email=data["notify_email"] or "",
                worker_group=data["worker_group"] or WorkerGroup.NOT_KNOWN,
            )
        ),
        then=lambda result: render(
            request,
            "speakup/submitted.html",
            {"code": result.code, "anonymous": True, "sent_to": result.sent_to},
        ),
    )
    return done or render(request, "speakup/anonymous_new.html", {"form": form})


def _reporter_page(
    request: HttpRequest,
    session: Session,
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
    context = {
        "case": case,
        "code": code,
        "narrative": queries.narrative_of(case, session.case_key),
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


def _message(request: HttpRequest, session: Session, code: str) -> HttpResponse:
    form = forms.ReporterMessageForm(request.POST, request.FILES)
    if request.FILES:
        # Files sent on a case count as a submission, whether kept or refused.
        refusal = protection.submission_refused(request)
        protection.record_submission(request)
        if refusal is not None:
            form.is_valid()
            form.add_error(None, refusal.message)
            page = _reporter_page(request, session, code, message_form=form, status=429)
            return retry_after(page, refusal)
    done = run_action(
        request,
        form,
        lambda data: actions.post_reporter_message(
            session=session,
            body=data["body"],
            files=forms.files_of(data["files"]),
            strip_metadata=data["strip_metadata"],
        ),
        then=lambda _: _reporter_page(request, session, code, notice="Your message has been sent."),
    )
    return done or _reporter_page(request, session, code, message_form=form)


def _feedback(request: HttpRequest, session: Session, code: str) -> HttpResponse:
    form = forms.FeedbackForm(request.POST)
    done = run_action(
        request,
        form,
        lambda data: actions.answer_feedback(
            session=session, answer=data["answer"], reason=data["reason"]
        ),
        then=lambda _: _reporter_page(request, session, code, notice="Thank you for your answer."),
    )
    return done or _reporter_page(request, session, code, feedback_form=form)


def _reveal(request: HttpRequest, session: Session, code: str) -> HttpResponse:
    form = forms.RevealForm(request.POST)
    done = run_action(
        request,
        form,
        lambda data: actions.reveal_identity(
            session=session,
            level=data["level"],
            name=data["name"],
            contact=data["contact"],
            confirm=data["confirm"],
        ),
        then=lambda _: _reporter_page(
            request, session, code, notice="The guardian can now see your name."
        ),
    )
    return done or _reporter_page(request, session, code, reveal_form=form)


# What the reporter can do on their case page (`op` in the post); anything else
# shows the page.
REPORTER_OPS: dict[str, Callable[[HttpRequest, Session, str], HttpResponse]] = {
    "message": _message,
    "feedback": _feedback,
    "reveal": _reveal,
}


@protection.anonymous_route
@require_http_methods(["GET", "POST"])
def anonymous_return(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "speakup/anonymous_return.html", {"form": forms.CodeForm()})
    refused = _code_refused(request)
    if refused is not None:
        return refused
    limit_uploads(request)
    code = str(request.POST.get("code", ""))[:100]
    session = _open_with_code(request, code)
    if isinstance(session, HttpResponse):
        return session
    op = REPORTER_OPS.get(str(request.POST.get("op", "open")))
    return op(request, session, code) if op else _reporter_page(request, session, code)


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
    return download(meta, data)


def _code_page(request: HttpRequest, code: str, error: str, *, status: int = 200) -> HttpResponse:
    """The code page again, with what was typed and why it did not open."""
    bound: Form = forms.CodeForm({"code": code})
    bound.is_valid()
    bound.add_error("code", error)
    return render(request, "speakup/anonymous_return.html", {"form": bound}, status=status)


def _code_refused(request: HttpRequest) -> HttpResponse | None:
    """429 before the body is read, when this client has had too many wrong codes."""
    refusal = protection.code_refused(request)
    if refusal is None:
        return None
    return retry_after(_code_page(request, "", refusal.message, status=429), refusal)


def _open_with_code(request: HttpRequest, code: str) -> Session | HttpResponse:
    """The reporter's case, or the code page again: 400 for something that cannot be
    a code (not counted as a guess), 200 with the error for a code that opens nothing."""
    if protection.code_malformed(code):
        return _code_page(request, code, protection.BAD_CODE, status=400)
    try:
        return actions.open_with_code(code=code)
    except actions.CodeNotRecognised:
        protection.record_code_failure(request)
        return _code_page(request, code, NOT_RECOGNISED)
