"""Pages for teachers. Thin: selectors and templates."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.models import Booking
from bookings.selectors import booking_list_for_user
from core.dates import school_year_label, school_year_of
from schools.selectors import class_list_for_user, teacher_of


def teacher_home(request: HttpRequest) -> HttpResponse:
    """The school's classes this school year, each with its number of upcoming bookings."""
    year = school_year_of(timezone.localdate())
    upcoming = Q(bookings__status__in=Booking.ACTIVE, bookings__slot__start__gte=timezone.now())
    classes = (
        class_list_for_user(request.user)
        .filter(school_year=year)
        .annotate(upcoming_bookings=Count("bookings", filter=upcoming))
        .order_by("grade", "name")
    )
    context = {"classes": classes, "teacher": teacher_of(request.user), "school_year": school_year_label(year)}
    return render(request, "schools/teacher_home.html", context)


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's bookings in its school year (1 August – 31 July), by date."""
    school_class = get_object_or_404(class_list_for_user(request.user), pk=class_id)
    tz = timezone.get_current_timezone()
    year_start = dt.datetime(school_class.school_year, 8, 1, tzinfo=tz)
    year_end = dt.datetime(school_class.school_year + 1, 8, 1, tzinfo=tz)
    bookings = (
        booking_list_for_user(request.user)
        .filter(school_class=school_class, slot__start__gte=year_start, slot__start__lt=year_end)
        .order_by("slot__start", "id")
    )
    return render(request, "schools/class_detail.html", {"school_class": school_class, "bookings": bookings})
