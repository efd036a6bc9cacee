"""Pages of adoption rounds. The consultant lists the rounds of their area, opens one, follows
it (capacities, wishes, priorities, overrides, matching runs) and moves it on; a company's people
state its capacity; teachers state their classes' wishes. Thin: forms, selectors and the round
services; who may do what is adoptions.permissions.

Anything the user may not see or act on answers 404, exactly like something that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from adoptions import selectors, services
from adoptions.models import AdoptionRound, ClassWish, CompanyCapacity, MatchRun, PairRule
from adoptions.permissions import can_manage_round, can_open_rounds, can_state_capacity, can_state_wishes
from companies.models import Company
from companies.selectors import company_ids_of, company_list_editable_by
from core.dates import school_year_of
from core.models import Municipality, Sector
from schools.models import SchoolClass
from schools.selectors import class_list_for_user, teacher_of
from schools.services import school_class_create
from web.forms.rounds import (
    CHOICE_FIELDS,
    CapacityForm,
    PrioritiesForm,
    RoundClassForm,
    RoundEditForm,
    RoundForm,
    WishForm,
)
from web.views.shared import form_action, posted

# A service's refusal of the choices shows at the first wish; of the round or the class, above the form.
WISH_ALIASES = {"choices": CHOICE_FIELDS[0], "round": "", "school_class": ""}
CAPACITY_ALIASES = {"round": "", "company": ""}


def consultant_required(view: Callable) -> Callable:
    """Signed in as a consultant or an administrator; everyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_open_rounds(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _round(request: HttpRequest, round_id: int) -> AdoptionRound:
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=round_id)


def _managed_round(request: HttpRequest, round_id: int) -> AdoptionRound:
    round = _round(request, round_id)
    if not can_manage_round(request.user, round):
        raise Http404
    return round


def eligible_classes(round: AdoptionRound) -> QuerySet[SchoolClass]:
    """The classes that may state wishes in the round: its grade, its school year, its area."""
    return SchoolClass.objects.filter(
        grade=services.ROUND_GRADE,
        school_year=round.school_year,
        school__municipality__in=round.municipalities.all(),
    ).select_related("school")


# The consultant's pages ---------------------------------------------------------------------


@consultant_required
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds touching the consultant's area, newest school year first, with their counts."""
    rounds = (
        selectors.rounds_visible_to(request.user)
        .annotate(
            capacity_count=Count("capacities", distinct=True),
            wish_count=Count("wishes", distinct=True),
        )
        .order_by("-school_year", "title", "id")
    )
    return render(request, "web/rounds/round_list.html", {"rounds": rounds})


def _area_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    codes = request.user.area_municipality_codes()
    municipalities = Municipality.objects.all()
    return municipalities if codes is None else municipalities.filter(code__in=codes)


@consultant_required
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(
        posted(request),
        current_year=school_year_of(timezone.localdate()),
        municipalities=_area_municipalities(request),
    )
    if request.method == "POST" and form.is_valid():
        round = form_action(form, lambda: services.round_open(actor=request.user, **form.cleaned_data))
        if round is not None:
            messages.success(request, _("The round is open: companies and teachers can now state capacity and wishes."))
            return redirect("round-detail", round_id=round.pk)
    return render(request, "web/rounds/round_form.html", {"form": form})


@consultant_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's state and counts, every company's capacity and every class's wishes, the
    priorities, the consultant's overrides with their reasons, and the matching runs."""
    round = _round(request, round_id)
    capacities = (
        CompanyCapacity.objects.filter(round=round)
        .select_related("company", "company__municipality", "updated_by")
        .order_by("company__name", "id")
    )
    wishes = (
        ClassWish.objects.filter(round=round)
        .select_related("school_class__school", "updated_by")
        .prefetch_related("choices__company", "choices__sector")
        .order_by("school_class__school__name", "school_class__name", "id")
    )
    classes = eligible_classes(round)
    companies_without = (
        Company.objects.filter(municipality__in=round.municipalities.all())
        .exclude(adoption_capacities__round=round)
        .order_by("name")
    )
    context = {
        "round": round,
        "may_manage": can_manage_round(request.user, round),
        "capacities": capacities,
        "offered": capacities.aggregate(total=Sum("classes"))["total"] or 0,
        "wishes": wishes,
        "eligible": classes.count(),
        "classes_without": classes.exclude(adoption_wishes__round=round).order_by("school__name", "name"),
        "companies_without": companies_without,
        "pair_rules": PairRule.objects.filter(round=round)
        .select_related("school_class__school", "company", "created_by")
        .order_by("created_at", "id"),
        "runs": [
            (run, reverse("run-detail", args=[run.pk]))
            for run in MatchRun.objects.filter(round=round).order_by("-created_at", "-id")
        ],
        "run_start_url": reverse("run-start", args=[round.pk]),
        "collecting": round.status == AdoptionRound.Status.COLLECTING,
        "renewal_overflows": services.renewals_over_capacity(round),
    }
    return render(request, "web/rounds/round_detail.html", context)


@consultant_required
def round_edit(request: HttpRequest, round_id: int) -> HttpResponse:
    round = _managed_round(request, round_id)
    form = RoundEditForm(posted(request), round=round)
    if request.method == "POST" and form.is_valid():
        saved = form_action(form, lambda: services.round_update(round=round, actor=request.user, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("The round is saved."))
            return redirect("round-detail", round_id=round.pk)
    return render(request, "web/rounds/round_edit.html", {"form": form, "round": round})


@consultant_required
def round_priorities(request: HttpRequest, round_id: int) -> HttpResponse:
    round = _managed_round(request, round_id)
    form = PrioritiesForm(posted(request), round=round)
    if request.method == "POST" and form.is_valid():
        saved = form_action(
            form, lambda: services.round_set_priorities(round=round, actor=request.user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("The priorities and weights are saved."))
            return redirect("round-detail", round_id=round.pk)
    return render(request, "web/rounds/round_priorities.html", {"form": form, "round": round})


# Capacity and wishes ------------------------------------------------------------------------


def _deadline_passed(round: AdoptionRound) -> bool:
    return round.wishes_deadline is not None and timezone.localdate() > round.wishes_deadline


def _back_url(request: HttpRequest, round: AdoptionRound) -> str:
    """The consultant goes back to the round's page; a school or a company to its own rounds."""
    if can_manage_round(request.user, round):
        return reverse("round-detail", args=[round.pk])
    return reverse("my-rounds")


def _back_from_statement(request: HttpRequest, round: AdoptionRound) -> HttpResponse:
    return redirect(_back_url(request, round))


def _rules(round: AdoptionRound, **concerning: Company | SchoolClass) -> QuerySet[PairRule]:
    """The consultant's locks and forbidden pairs that concern a class or a company, whose
    reasons the school and the company are to see."""
    return PairRule.objects.filter(round=round, **concerning).select_related("school_class__school", "company")


@login_required
def capacity_edit(request: HttpRequest, round_id: int, company_id: int) -> HttpResponse:
    """A company's capacity in a round: state it, change it, or withdraw it."""
    round = _round(request, round_id)
    company = get_object_or_404(company_list_editable_by(request.user), pk=company_id)
    if not can_state_capacity(request.user, round, company):
        raise Http404
    capacity = CompanyCapacity.objects.filter(round=round, company=company).first()
    if request.method == "POST" and "withdraw" in request.POST and capacity is not None:
        form = CapacityForm(capacity=capacity)
        if form_action(form, lambda: services.capacity_withdraw(actor=request.user, capacity=capacity) or True):
            messages.success(request, _("The capacity of %(company)s is withdrawn.") % {"company": company})
            return _back_from_statement(request, round)
    else:
        form = CapacityForm(posted(request), capacity=capacity)
        if request.method == "POST" and form.is_valid():
            saved = form_action(
                form,
                lambda: services.capacity_set(actor=request.user, round=round, company=company, **form.cleaned_data),
                CAPACITY_ALIASES,
            )
            if saved is not None:
                messages.success(request, _("The capacity of %(company)s is saved.") % {"company": company})
                return _back_from_statement(request, round)
    context = {
        "form": form,
        "round": round,
        "company": company,
        "capacity": capacity,
        "distance": services.company_distance_to_area(company, round),
        "back_url": _back_url(request, round),
        "rules": _rules(round, company=company),
    }
    return render(request, "web/rounds/capacity_form.html", context)


@login_required
def wish_edit(request: HttpRequest, round_id: int, class_id: int) -> HttpResponse:
    """A class's wishes in a round: state them, change them, or withdraw them."""
    round = _round(request, round_id)
    school_class = get_object_or_404(class_list_for_user(request.user), pk=class_id)
    if not can_state_wishes(request.user, round, school_class):
        raise Http404
    wish = ClassWish.objects.filter(round=round, school_class=school_class).prefetch_related("choices").first()
    current = [choice.company or choice.sector for choice in wish.choices.all()] if wish else []
    companies = Company.objects.filter(adoption_capacities__round=round).select_related("municipality").order_by("name")
    form_kwargs = {"companies": companies, "sectors": Sector.objects.all(), "current": current}
    if wish is not None:
        form_kwargs["initial"] = {"max_travel_km": wish.max_travel_km, "notes": wish.notes}
    if request.method == "POST" and "withdraw" in request.POST and wish is not None:
        form = WishForm(**form_kwargs)
        if form_action(form, lambda: services.wish_withdraw(actor=request.user, wish=wish) or True):
            messages.success(request, _("The wishes of %(class)s are withdrawn.") % {"class": school_class.name})
            return _back_from_statement(request, round)
    else:
        form = WishForm(posted(request), **form_kwargs)
        if request.method == "POST" and form.is_valid():
            saved = form_action(
                form,
                lambda: services.wish_set(
                    actor=request.user,
                    round=round,
                    school_class=school_class,
                    choices=form.choices(),
                    max_travel_km=form.cleaned_data["max_travel_km"],
                    notes=form.cleaned_data["notes"],
                ),
                WISH_ALIASES,
            )
            if saved is not None:
                messages.success(request, _("The wishes of %(class)s are saved.") % {"class": school_class.name})
                return _back_from_statement(request, round)
    context = {
        "form": form,
        "round": round,
        "school_class": school_class,
        "wish": wish,
        "back_url": _back_url(request, round),
        "rules": _rules(round, school_class=school_class),
    }
    return render(request, "web/rounds/wish_form.html", context)


# Teachers' and hosts' entry page ------------------------------------------------------------


@login_required
def my_rounds(request: HttpRequest) -> HttpResponse:
    """The rounds collecting now that concern the user: a teacher's school's 8th-grade classes
    with their wishes, a company's capacity. A consultant has the rounds list instead."""
    if can_open_rounds(request.user) and not (teacher_of(request.user) or company_ids_of(request.user)):
        return redirect("round-list")
    rounds = selectors.rounds_visible_to(request.user).filter(status=AdoptionRound.Status.COLLECTING)
    teacher = teacher_of(request.user)
    companies = list(Company.objects.filter(pk__in=company_ids_of(request.user)).order_by("name"))
    entries = []
    for round in rounds.order_by("school_year", "title", "id"):
        classes = []
        if teacher is not None:
            wishes = {wish.school_class_id: wish for wish in ClassWish.objects.filter(round=round)}
            classes = [
                (school_class, wishes.get(school_class.pk))
                for school_class in eligible_classes(round)
                .filter(school=teacher.school)
                .select_related("previous")
                .order_by("name")
            ]
        capacities = {capacity.company_id: capacity for capacity in CompanyCapacity.objects.filter(round=round)}
        entries.append(
            {
                "round": round,
                "classes": classes,
                "companies": [(company, capacities.get(company.pk)) for company in companies],
                "deadline_passed": _deadline_passed(round),
            }
        )
    context = {"entries": entries, "teacher": teacher, "is_host": bool(companies)}
    return render(request, "web/rounds/my_rounds.html", context)


@login_required
def round_class_create(request: HttpRequest, round_id: int) -> HttpResponse:
    """A teacher registers one of the school's 8th-grade classes of the round's school year
    (next year's classes exist only once someone registers them), then states its wishes."""
    round = _round(request, round_id)
    teacher = teacher_of(request.user)
    if (
        teacher is None
        or round.status != AdoptionRound.Status.COLLECTING
        or _deadline_passed(round)
        or not round.municipalities.filter(pk=teacher.school.municipality_id).exists()
    ):
        raise Http404
    last_years_classes = SchoolClass.objects.filter(
        school=teacher.school, school_year=round.school_year - 1, grade=services.ROUND_GRADE - 1, next__isnull=True
    ).order_by("name")
    form = RoundClassForm(posted(request), last_years_classes=last_years_classes)
    if request.method == "POST" and form.is_valid():
        school_class = form_action(
            form,
            lambda: school_class_create(
                actor=request.user,
                school=teacher.school,
                name=form.cleaned_data["name"],
                grade=services.ROUND_GRADE,
                school_year=round.school_year,
                pupils=form.cleaned_data["pupils"],
                previous=form.cleaned_data["previous"],
            ),
        )
        if school_class is not None:
            messages.success(
                request, _("%(class)s is registered; now state its wishes.") % {"class": school_class.name}
            )
            return redirect("wish-edit", round.pk, school_class.pk)
    context = {"form": form, "round": round, "school": teacher.school}
    return render(request, "web/rounds/class_form.html", context)


urlpatterns: list[URLPattern] = [
    path("rounds/", round_list, name="round-list"),
    path("rounds/new/", round_create, name="round-create"),
    path("rounds/<id:round_id>/", round_detail, name="round-detail"),
    path("rounds/<id:round_id>/edit/", round_edit, name="round-edit"),
    path("rounds/<id:round_id>/priorities/", round_priorities, name="round-priorities"),
    path("rounds/<id:round_id>/companies/<id:company_id>/capacity/", capacity_edit, name="capacity-edit"),
    path("rounds/<id:round_id>/classes/<id:class_id>/wishes/", wish_edit, name="wish-edit"),
    path("rounds/<id:round_id>/classes/new/", round_class_create, name="round-class-create"),
    path("my-rounds/", my_rounds, name="my-rounds"),
]
