"""Reads of schools and classes, scoped to what the user may see."""

from django.db.models import QuerySet

from accounts.models import User
from schools.models import School, SchoolClass, Teacher


def teacher_of(user: User) -> Teacher | None:
    """The user's teacher profile, or None. Uses the cached relation when present."""
    if not user.is_authenticated:
        return None
    try:
        return user.teacher
    except Teacher.DoesNotExist:
        return None


def school_list_for_user(user: User) -> QuerySet[School]:
    """Schools are public institutions: every signed-in user sees the list."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.select_related("municipality")


def class_list_for_user(user: User) -> QuerySet[SchoolClass]:
    """A teacher sees their own school's classes; a consultant or administrator all classes."""
    classes = SchoolClass.objects.select_related("school")
    if not user.is_authenticated:
        return classes.none()
    if user.sees_everything:
        return classes
    teacher = teacher_of(user)
    if teacher is None:
        return classes.none()
    return classes.filter(school_id=teacher.school_id)
