"""The audit log's one write: every service that changes state, and every refused
authorisation, records an AuditEntry through here.

- A change is recorded inside its own transaction (`audit_record`, or the `audited` decorator
  on a service), so the change and its entry are saved together or not at all.
- A refusal is the opposite: the request's work is rolled back, so its entry is written by
  `AuditMiddleware` once the view has answered, outside any of the view's transactions. The
  middleware is the one place that sees every refused request: a 403, a 401, a 404 from a
  scope ("not yours" looks like "does not exist"), a service's `not_allowed` error; a refused
  sign-in arrives through Django's `user_login_failed` signal.
- Who did it: a service's `actor` argument when it has one, else the user of the request
  being served (services that do not take an actor are still attributed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import AuditEntry, User
from core.api import NOT_ALLOWED_CODE
from core.errors import DomainError

Service = TypeVar("Service", bound=Callable[..., Any])

# The request being served on this thread (or task), for the actor of services without one.
_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)
# Refusals noted during the request, written when it has been answered.
_refusals: ContextVar[list[dict[str, Any]] | None] = ContextVar("audit_refusals", default=None)

# Statuses that mean "you may not": 404 counts only when the address named a view, i.e. the
# object was not found in the user's scope, not a mistyped address.
REFUSED_STATUSES = frozenset({401, 403})
REFUSAL_ACTION = "http.request.refuse"
SIGN_IN_REFUSAL_ACTION = "accounts.sign_in.refuse"


def current_actor() -> User | None:
    """The signed-in user of the request being served, if any."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return None
    return user


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    outcome: str = AuditEntry.Outcome.DONE,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry. Call it inside the transaction of the change it records, so that the
    change and its entry are saved together or not at all. Without an actor, the entry names
    the user of the request being served, if any."""
    return _write(actor, action, outcome, _reference(target), details)


def _write(
    actor: User | None,
    action: str,
    outcome: str,
    reference: tuple[str, int | None] | None,
    details: dict[str, Any] | None,
) -> AuditEntry:
    """The one INSERT every kind of entry goes through."""
    if actor is None or not getattr(actor, "pk", None):
        actor = current_actor()
    target_type, target_id = reference or ("", None)
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        action=action,
        outcome=outcome,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )


def audited(
    action: str, *, target: str | None = None, fields: bool = False, actor_arg: str = "actor"
) -> Callable[[Service], Service]:
    """Record every successful call of a service as `action`, in the service's transaction.

    The entry's target is the keyword argument named `target` (its type and id are taken
    before the call, so a deletion still names what it deleted), else the model the service
    returns. `fields=True` records the names (never the values) of the other keyword
    arguments: which fields an update changed. A service that returns a number (a batch: how
    many it changed) is recorded with that count, and not at all when it changed nothing. The
    actor is the keyword argument `actor_arg`. A `not_allowed` domain error is noted as a
    refusal (AuditMiddleware writes it after the rollback). Put it below `@transaction.atomic`;
    a service without one gets a transaction of its own."""

    def decorate(service: Service) -> Service:
        @functools.wraps(service)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            subject = kwargs.get(target) if target else None
            reference = _reference(subject)
            actor = kwargs.get(actor_arg)
            details = {"fields": sorted(set(kwargs) - {actor_arg, target})} if fields else None
            try:
                if connection.in_atomic_block:
                    result = service(*args, **kwargs)
                    _record_call(actor, action, reference, result, details)
                else:
                    with transaction.atomic():
                        result = service(*args, **kwargs)
                        _record_call(actor, action, reference, result, details)
            except DomainError as error:
                if error.code == NOT_ALLOWED_CODE:
                    refusal_record(actor=actor, action=action, target=subject, details={"code": error.code})
                raise
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


def _reference(subject: Any) -> tuple[str, int | None] | None:
    if isinstance(subject, models.Model):
        return subject._meta.label_lower, subject.pk
    return None


def _record_call(
    actor: User | None,
    action: str,
    reference: tuple[str, int | None] | None,
    result: Any,
    details: dict[str, Any] | None,
) -> None:
    if isinstance(result, int) and not isinstance(result, bool):
        if result == 0:
            return
        details = {**(details or {}), "count": result}
    elif isinstance(result, list | tuple):
        details = {**(details or {}), "count": len(result)}
    if reference is None and isinstance(result, models.Model):
        reference = _reference(result)
    _write(actor, action, AuditEntry.Outcome.DONE, reference, details)


def refusal_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Note a refused authorisation. During a request it is written after the answer, when
    the refused work has been rolled back; elsewhere (a command, a task) at once, so there a
    refusal inside a transaction that then rolls back is lost with it (the operator sees the
    error itself)."""
    entry = {
        "actor": actor if actor is not None and actor.pk else current_actor(),
        "action": action,
        "target": _reference(target),
        "details": details or {},
    }
    pending = _refusals.get()
    if pending is not None:
        pending.append(entry)
    else:
        _write_refusal(entry)


def _write_refusal(entry: dict[str, Any]) -> None:
    _write(entry["actor"], entry["action"], AuditEntry.Outcome.REFUSED, entry["target"], entry["details"])


def _refused_request(request: HttpRequest, response: HttpResponse) -> dict[str, Any] | None:
    """The entry for a refused request, or None. It names the view and the object's id from
    the address, never the address itself: some addresses carry a personal link's token."""
    match = getattr(request, "resolver_match", None)
    refused = response.status_code in REFUSED_STATUSES or (response.status_code == 404 and match is not None)
    if not refused:
        return None
    details: dict[str, Any] = {"status": response.status_code, "method": request.method}
    if match is not None:
        details["view"] = match.view_name
        # The ids in the address (pk, offer_id…), never a token: a token is not all digits.
        ids = {name: int(value) for name, value in match.kwargs.items() if str(value).isdigit()}
        if ids:
            details["ids"] = ids
    return {"actor": current_actor(), "action": REFUSAL_ACTION, "target": None, "details": details}


class AuditMiddleware:
    """Makes the request's user the actor of services without one, and writes the request's
    refusals once it has been answered: those noted on the way (a service's `not_allowed`, a
    refused sign-in), else one for a refused answer (401, 403, a scoped 404). Place it after
    AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_token = _request.set(request)
        refusals: list[dict[str, Any]] = []
        refusals_token = _refusals.set(refusals)
        try:
            response = self.get_response(request)
            if not refusals:
                refused = _refused_request(request, response)
                if refused is not None:
                    refusals.append(refused)
            for entry in refusals:
                _write_refusal(entry)
            return response
        finally:
            _refusals.reset(refusals_token)
            _request.reset(request_token)


def sign_in_refused(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """`user_login_failed`: a refused sign-in (web page, admin or API token). The entry names
    the account the name belongs to, if any, so its owner's erasure blanks it; the name typed
    is not kept (it may be a mistyped password)."""
    name = str(credentials.get("username") or "").strip()
    account = None
    if name:
        account = (
            User.objects.filter(models.Q(username__iexact=name) | models.Q(email__iexact=name)).order_by("pk").first()
        )
    details = {"account_known": account is not None}
    if request is not None:
        match = getattr(request, "resolver_match", None)
        details["view"] = match.view_name if match is not None else ""
    refusal_record(actor=account, action=SIGN_IN_REFUSAL_ACTION, details=details)


ADMIN_VERBS = {1: "add", 2: "change", 3: "delete"}


def admin_change_recorded(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """`post_save` of the admin's LogEntry: a change made in the Django admin, recorded in the
    admin's own transaction. Most admin forms call the domain's services, which record the
    change themselves; this also covers models the admin edits directly (accounts, schools)."""
    if not created:
        return
    content_type = instance.content_type
    label = f"{content_type.app_label}.{content_type.model}" if content_type is not None else ""
    object_id = str(instance.object_id or "")
    _write(
        instance.user,
        f"admin.{label}.{ADMIN_VERBS.get(instance.action_flag, 'change')}",
        AuditEntry.Outcome.DONE,
        (label, int(object_id) if object_id.isdigit() else None),
        {"via": "admin"},
    )
