from django.urls import path

from schools import views

urlpatterns = [
    path("classes/<int:class_id>/", views.class_detail, name="class-detail"),
]
