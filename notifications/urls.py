from django.urls import path

from notifications import feeds, views

urlpatterns = [
    path("calendar/", views.calendar_subscriptions, name="calendar-subscriptions"),
    path("calendar/<int:feed_id>/reset/", views.calendar_subscription_reset, name="calendar-subscription-reset"),
    path("calendar/<str:token>.ics", feeds.private_feed, name="calendar-feed"),
]
