"""The role a signed-in person acts in, which decides their home page and menu."""

import enum

from accounts.models import User
from companies.selectors import company_ids_of
from schools.selectors import teacher_of


class Role(enum.StrEnum):
    VISITOR = "visitor"
    TEACHER = "teacher"
    HOST = "host"
    CONSULTANT = "consultant"


def role_of(user: User) -> Role:
    if not user.is_authenticated:
        return Role.VISITOR
    if teacher_of(user) is not None:
        return Role.TEACHER
    if company_ids_of(user):
        return Role.HOST
    if user.sees_everything:
        return Role.CONSULTANT
    return Role.VISITOR
