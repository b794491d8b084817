from django.urls import path

from seatback.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
]
