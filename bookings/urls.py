from django.urls import path

from bookings import views

urlpatterns = [
    path("offers/", views.offer_catalogue, name="offer-catalogue"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer-detail"),
    path("bookings/<int:booking_id>/", views.booking_page, name="booking-page"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<int:booking_id>/move/", views.booking_move, name="booking-move"),
    path("bookings/<int:booking_id>/confirm/", views.booking_confirm, name="booking-confirm"),
    path("bookings/<int:booking_id>/decline/", views.booking_decline, name="booking-decline"),
]
