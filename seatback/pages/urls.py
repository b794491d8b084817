from django.urls import path

from seatback.pages import presence_views, views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<str:code>", views.seat_page, name="seat"),
    path("find", views.find, name="find"),
    path("me", views.me, name="me"),
    path("login", views.login_page, name="login"),
    path("logout", views.logout_page, name="logout"),
    path("language", views.language, name="language"),
    # The address in the QR code on a room's screen (docs/presence.md).
    path("display/rooms/<int:room_id>/here", presence_views.here, name="here"),
]
