from django.urls import path

from companies import views

urlpatterns = [
    path("host/offers/", views.host_offers, name="host-offers"),
    path("host/offers/new/", views.offer_create, name="host-offer-create"),
    path("host/offers/<int:offer_id>/", views.offer_manage, name="host-offer"),
    path("host/offers/<int:offer_id>/edit/", views.offer_edit, name="host-offer-edit"),
    path("host/offers/<int:offer_id>/slots/", views.slot_create, name="host-slot-create"),
    path("host/offers/<int:offer_id>/series/", views.series_create, name="host-series-create"),
    path("host/offers/<int:offer_id>/participants.csv", views.participants_csv, name="host-participants-csv"),
    path("host/slots/<int:slot_id>/cancel/", views.slot_cancel, name="host-slot-cancel"),
    path("host/bookings/<int:booking_id>/confirm/", views.booking_confirm, name="host-booking-confirm"),
    path("host/bookings/<int:booking_id>/decline/", views.booking_decline, name="host-booking-decline"),
]
