from django.urls import path

from bookings import views

urlpatterns = [
    path("offers/", views.offer_catalogue, name="offer-catalogue"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer-detail"),
    path("bookings/<int:booking_id>/", views.booking_page, name="booking-page"),
]
