from django.http import HttpRequest

from web.roles import role_of


def role(request: HttpRequest) -> dict[str, str]:
    """The visitor's role, for the menu in base.html."""
    return {"role": role_of(request.user).value}
