"""Pages for getting in without the administrator: forgotten passwords and accepting an
invitation. Django's own views, with our templates, e-mails and tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.tokens import invitation_token_generator
from web.forms.accounts import PasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. Answers the same whether or not the address has an account."""

    form_class = PasswordResetForm
    template_name = "web/accounts/password_reset_form.html"
    success_url = reverse_lazy("password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "web/accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the e-mailed link; the link works once."""

    template_name = "web/accounts/password_set.html"
    success_url = reverse_lazy("password-reset-done")
    extra_context = {"title": gettext_lazy("Choose a new password")}


class PasswordResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "web/accounts/password_reset_done.html"


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Choose a first password from an invitation's link, then go straight in."""

    template_name = "web/accounts/password_set.html"
    token_generator = invitation_token_generator
    post_reset_login = True
    # Two backends are configured (django-axes' lockout check before Django's own): the session
    # names the one that signs people in.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")
    extra_context = {"title": gettext_lazy("Welcome to Brobyg"), "invitation": True}

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome to Brobyg."))
        return response
