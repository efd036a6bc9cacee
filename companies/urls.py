from django.urls import path

from companies import views

urlpatterns = [
    path("host/offers/", views.host_offers, name="host-offers"),
]
