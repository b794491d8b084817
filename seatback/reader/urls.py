from django.urls import path

from seatback.reader import views

app_name = "reader"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<str:code>", views.seat_page, name="seat"),
    path("me", views.me, name="me"),
    path("login", views.login_page, name="login"),
    path("logout", views.logout_page, name="logout"),
    path("language", views.language, name="language"),
]
