"""Pages for teachers. Thin: selectors and templates."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bookings.selectors import booking_list_for_user
from schools.selectors import class_list_for_user


def teacher_home(request: HttpRequest) -> HttpResponse:
    classes = class_list_for_user(request.user)
    return render(request, "schools/teacher_home.html", {"classes": classes})


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = get_object_or_404(class_list_for_user(request.user), pk=class_id)
    bookings = booking_list_for_user(request.user).filter(school_class=school_class)
    return render(request, "schools/class_detail.html", {"school_class": school_class, "bookings": bookings})
