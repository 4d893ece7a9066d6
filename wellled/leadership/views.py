"""Walkround pages: programmes and their coverage, the rota, and each visit.

Reads go through queries (404/403 there); writes through the actions, by
`run_action`; permissions are asked of access.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wellled.core.adapters import crumbs, posted, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement import access as improvement_access
from wellled.improvement.queries import actions_for_sources
from wellled.leadership import access, actions, calendar, checklists, forms, queries
from wellled.leadership.improvement_source import KIND
from wellled.leadership.models import LeaderKind, Programme, Visit, VisitStatus
from wellled.leadership.signposting import looks_like_speaking_up
from wellled.organisation.access import Cap, can, scope_paths
from wellled.organisation.models import GrantStatus, OrgUnit, Role, UnitKind

VISITS_PAGE_SIZE = 50


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _programme_crumbs(programme: Programme) -> list[Any]:
    return crumbs(
        ("Walkrounds", reverse("leadership:programmes")),
        (programme.name, reverse("leadership:programme", args=[programme.pk])),
    )


@dataclass(frozen=True)
class FormPage:
    title: str
    button: str
    success: str
    caption: str = ""
    intro: str = ""


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.PageForm,
    write: Callable[[Mapping[str, Any]], object],
    page: FormPage,
    *,
    back: str,
    breadcrumbs: list[Any],
) -> HttpResponse:
    if request.method == "POST":
        done = run_action(request, form, write, success=page.success, then=back)
        if done is not None:
            return done
    context = {"form": form, "page": page, "cancel": back, "breadcrumbs": breadcrumbs}
    return render(request, "form_page.html", context)


@login_required
def programmes(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = queries.programmes_visible_to(request.user)
    _refuse_unless(can(request.user, Cap.VIEW_WALKROUNDS) or visible.exists())
    return render(
        request,
        "leadership/programmes.html",
        {
            "programmes": visible,
            "may_create": can(request.user, Cap.MANAGE_WALKROUNDS),
            # Visits already due but not recorded are on "my work" (queries.leadership_work).
            "my_visits": queries.leader_visits(request.user).filter(
                status=VisitStatus.PLANNED, planned_on__gte=timezone.localdate()
            )[:5],
        },
    )


@login_required
def programme_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _refuse_unless(can(request.user, Cap.MANAGE_WALKROUNDS))
    scopes = (
        OrgUnit.objects.active()
        .of_kind(UnitKind.TRUST, UnitKind.HUB)
        .within(*scope_paths(request.user, Cap.MANAGE_WALKROUNDS))
    )
    form = forms.ProgrammeForm(posted(request), scopes=scopes)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_programme(acting_user=request.user, **data),
            success="The programme has been created: add its leaders, then generate the rota",
            then=lambda programme: redirect("leadership:programme", pk=programme.pk),
        )
        if done is not None:
            return done
    page = FormPage("New walkround programme", "Create the programme", "")
    context = {
        "form": form,
        "page": page,
        "cancel": reverse("leadership:programmes"),
        "breadcrumbs": crumbs(("Walkrounds", reverse("leadership:programmes"))),
    }
    return render(request, "form_page.html", context)


@login_required
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    cover = queries.coverage(programme)
    return render(
        request,
        "leadership/programme.html",
        {
            "programme": programme,
            "hubs": cover.hubs,
            "leaders": cover.leaders,
            "visit_count": programme.visits.count(),
            "may_manage": access.may_manage(request.user, programme),
            "may_generate": not queries.rota_was_worked_on(programme),
            "breadcrumbs": crumbs(("Walkrounds", reverse("leadership:programmes"))),
        },
    )


@login_required
def programme_visits(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    paginator = Paginator(queries.visits_of(programme), VISITS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "leadership/visits.html",
        {
            "programme": programme,
            "page": page,
            "breadcrumbs": _programme_crumbs(programme),
        },
    )


@require_POST
@login_required
def programme_generate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    _refuse_unless(access.may_manage(request.user, programme))
    form = forms.ConfirmForm(request.POST)
    done = run_action(
        request,
        form,
        lambda _: actions.generate_rota(acting_user=request.user, programme=programme),
        success=lambda rota: (
            f"The rota has {len(rota.visits)} visits"
            + (f"; {len(rota.unplaced)} could not be placed" if rota.unplaced else "")
        ),
        then=reverse("leadership:programme", args=[programme.pk]),
    )
    if done is not None:
        return done
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("leadership:programme", pk=programme.pk)


def _leader_people() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.EXECUTIVE, Role.BOARD_MEMBER],
            role_assignments__status=GrantStatus.ACTIVE,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@login_required
def leader_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    _refuse_unless(access.may_manage(request.user, programme))
    form = forms.LeaderForm(posted(request), people=_leader_people())
    return _form_page(
        request,
        form,
        lambda data: actions.add_leader(acting_user=request.user, programme=programme, **data),
        FormPage("Add a leader", "Add the leader", "The leader has been added", programme.name),
        back=reverse("leadership:programme", args=[programme.pk]),
        breadcrumbs=_programme_crumbs(programme),
    )


@login_required
def leader_unavailable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    leader = queries.get_leader_for_user(request.user, pk)
    _refuse_unless(
        access.may_manage(request.user, leader.programme) or leader.user_id == request.user.pk
    )
    return _form_page(
        request,
        forms.UnavailabilityForm(posted(request)),
        lambda data: actions.add_unavailability(acting_user=request.user, leader=leader, **data),
        FormPage(
            f"Days {forms.person_label(leader.user)} cannot visit",
            "Save the days",
            "The days have been saved: the next rota avoids them",
            leader.programme.name,
        ),
        back=reverse("leadership:programme", args=[leader.programme_id]),
        breadcrumbs=_programme_crumbs(leader.programme),
    )


@login_required
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = queries.get_visit_for_user(request.user, pk)
    visit_actions = list(actions_for_sources(KIND, [visit.pk]))
    checklist = checklists.get(visit.checklist_version or 0)
    may_record = access.may_record(request.user, visit)
    context = {
        "visit": visit,
        "changes": visit.changes.select_related("changed_by"),
        "actions": [(a, improvement_access.may_view(request.user, a)) for a in visit_actions],
        "checklist": [
            (item, checklists.ANSWERS.get(visit.checklist.get(item.key, ""), "Not answered"))
            for item in (checklist.items if checklist else ())
        ],
        "may_record": may_record,
        "may_raise": may_record and visit.status == VisitStatus.HELD,
        "may_confirm": access.may_confirm(request.user, visit),
        "speak_up": may_record and looks_like_speaking_up(visit.concerns, visit.themes),
        "new_action": f"{reverse('improvement:new')}?source_kind={KIND}&source_id={visit.pk}",
        "may_view_programme": access.may_view_programme(request.user, visit.programme),
        "breadcrumbs": _visit_crumbs(request.user, visit),
    }
    return render(request, "leadership/visit.html", context)


def _visit_crumbs(user: Any, visit: Visit) -> list[Any]:
    if access.may_view_programme(user, visit.programme):
        return _programme_crumbs(visit.programme)
    return crumbs(("Home", reverse("core:home")))


def _visit_form(
    request: AuthenticatedHttpRequest,
    visit: Visit,
    form: forms.PageForm,
    write: Callable[[Mapping[str, Any]], object],
    page: FormPage,
) -> HttpResponse:
    return _form_page(
        request,
        form,
        write,
        page,
        back=reverse("leadership:visit", args=[visit.pk]),
        breadcrumbs=_visit_crumbs(request.user, visit),
    )


def _leaders_of(visit: Visit, kind: str) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=visit.programme.leaders.filter(kind=kind).values("user_id")
    ).order_by("first_name", "last_name", "username")


@login_required
def visit_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = queries.get_visit_for_user(request.user, pk)
    _refuse_unless(access.may_record(request.user, visit))
    initial = {
        "planned_on": visit.planned_on,
        "session": visit.session,
        "executive": visit.executive_id,
        "non_executive": visit.non_executive_id,
    }
    form = forms.MoveForm(
        posted(request),
        initial=initial,
        executives=_leaders_of(visit, LeaderKind.EXECUTIVE),
        non_executives=_leaders_of(visit, LeaderKind.NON_EXECUTIVE),
    )
    return _visit_form(
        request,
        visit,
        form,
        lambda data: actions.move_visit(acting_user=request.user, visit=visit, **data),
        FormPage(
            "Move the visit or change who goes",
            "Save the change",
            "The visit has been changed and the change recorded",
            str(visit),
        ),
    )


@login_required
def visit_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = queries.get_visit_for_user(request.user, pk)
    _refuse_unless(access.may_record(request.user, visit))
    form = forms.RecordForm(posted(request), initial={"held_on": visit.planned_on})
    return _visit_form(
        request,
        visit,
        form,
        lambda _: actions.record_visit(acting_user=request.user, visit=visit, **form.action_data()),
        FormPage(
            "Record the visit",
            "Save the visit",
            "The visit has been recorded: raise actions for what the team could not fix, "
            "then send feedback",
            str(visit),
            "Staff concerns about bullying, safety or being afraid to speak can also go to "
            "the Freedom to Speak Up guardians. Nothing you write here is sent to them.",
        ),
    )


@login_required
def visit_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = queries.get_visit_for_user(request.user, pk)
    _refuse_unless(access.may_record(request.user, visit))
    return _visit_form(
        request,
        visit,
        forms.FeedbackForm(posted(request)),
        lambda data: actions.send_feedback(acting_user=request.user, visit=visit, **data),
        FormPage(
            "Feedback to the team",
            "Save the feedback",
            "The feedback has been saved: the team can now confirm they received it",
            str(visit),
        ),
    )


@require_POST
@login_required
def visit_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = queries.get_visit_for_user(request.user, pk)
    _refuse_unless(access.may_confirm(request.user, visit))
    form = forms.ConfirmForm(request.POST)
    done = run_action(
        request,
        form,
        lambda _: actions.confirm_receipt(acting_user=request.user, visit=visit),
        success="Thank you: the leaders can see your team received their feedback",
        then=reverse("leadership:visit", args=[visit.pk]),
    )
    if done is not None:
        return done
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("leadership:visit", pk=visit.pk)


@login_required
def my_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in leader's visits as an iCalendar file."""
    visits = queries.leader_visits(request.user)
    response = HttpResponse(calendar.ics(visits), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="walkrounds.ics"'
    return response
