"""Every page's address. The names are used by templates, tests and e-mails; keep them stable."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web.views import (
    accounts,
    calendar,
    company_admin,
    consultant,
    feedback,
    home,
    host,
    initiatives,
    openday_after,
    openday_hosts,
    openday_pupils,
    openday_runs,
    openday_teachers,
    opendays,
    overview,
    people,
    plans,
    public,
    rounds,
    runs,
    teacher,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", accounts.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password/reset/done/", accounts.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    path("password/welcome/<uidb64>/<token>/", accounts.InvitationAcceptView.as_view(), name="invitation-accept"),
    # Anyone
    path("offers/", public.offer_catalogue, name="offer-catalogue"),
    path("offers/<id:offer_id>/", public.offer_detail, name="offer-detail"),
    # Teachers (and the booking page both sides share)
    path("classes/<id:class_id>/", teacher.class_detail, name="class-detail"),
    path("bookings/<id:booking_id>/", teacher.booking_page, name="booking-page"),
    path("bookings/<id:booking_id>/cancel/", teacher.booking_cancel, name="booking-cancel"),
    path("bookings/<id:booking_id>/move/", teacher.booking_move, name="booking-move"),
    # Hosts
    path("host/offers/", host.host_offers, name="host-offers"),
    path("host/offers/new/", host.offer_create, name="host-offer-create"),
    path("host/offers/<id:offer_id>/", host.offer_manage, name="host-offer"),
    path("host/offers/<id:offer_id>/edit/", host.offer_edit, name="host-offer-edit"),
    path("host/offers/<id:offer_id>/slots/", host.slot_create, name="host-slot-create"),
    path("host/offers/<id:offer_id>/series/", host.series_create, name="host-series-create"),
    path("host/offers/<id:offer_id>/participants.csv", host.participants_csv, name="host-participants-csv"),
    path("host/slots/<id:slot_id>/cancel/", host.slot_cancel, name="host-slot-cancel"),
    path("host/slots/<id:slot_id>/edit/", host.slot_edit, name="host-slot-edit"),
    path("host/slots/<id:slot_id>/delete/", host.slot_delete, name="host-slot-delete"),
    path("host/company/", company_admin.company_list, name="company-admin-list"),
    path("host/company/<id:company_id>/", company_admin.company_people, name="company-people"),
    path("host/company/<id:company_id>/invite/", company_admin.colleague_invite, name="company-colleague-invite"),
    path(
        "host/company/<id:company_id>/members/<id:member_id>/role/",
        company_admin.member_role,
        name="company-member-role",
    ),
    path(
        "host/company/<id:company_id>/members/<id:member_id>/remove/",
        company_admin.member_remove,
        name="company-member-remove",
    ),
    path(
        "host/company/<id:company_id>/role-models/new/",
        company_admin.role_model_create,
        name="company-role-model-create",
    ),
    path(
        "host/company/<id:company_id>/role-models/<id:role_model_id>/",
        company_admin.role_model_edit,
        name="company-role-model-edit",
    ),
    path("bookings/<id:booking_id>/confirm/", host.booking_confirm, name="booking-confirm"),
    path("bookings/<id:booking_id>/decline/", host.booking_decline, name="booking-decline"),
    path("bookings/<id:booking_id>/attendance/", host.booking_attendance, name="booking-attendance"),
    # Consultants
    path("people/invite/", people.person_invite, name="person-invite"),
    # Everyone signed in
    path("calendar/", calendar.calendar_subscriptions, name="calendar-subscriptions"),
    path("calendar/<id:feed_id>/reset/", calendar.calendar_subscription_reset, name="calendar-subscription-reset"),
]

# Class adoptions: the consultant's workspace, rounds, matching runs, annual plans.
urlpatterns += consultant.urlpatterns + rounds.urlpatterns + runs.urlpatterns + plans.urlpatterns

# Open days: the consultant's pages, the hosts', the pupils' (public, through their link) and the teachers'.
urlpatterns += (
    opendays.urlpatterns
    + openday_hosts.urlpatterns
    + openday_pupils.urlpatterns
    + openday_teachers.urlpatterns
    + openday_runs.urlpatterns
    + openday_after.urlpatterns
)

# The coordinator's overview: the dashboard, its downloads and the annual report.
urlpatterns += overview.urlpatterns

# The catalogue of STEM initiatives: public to read, the consultant's to keep.
urlpatterns += initiatives.urlpatterns
# Feedback after an activity: the e-mail's link (public), the teacher's and host's own, the consultant's.
urlpatterns += feedback.urlpatterns
