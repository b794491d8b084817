from django.urls import URLPattern, URLResolver, include, path

from seatback.pages import (
    campus_views,
    content_views,
    map_views,
    presence_views,
    space_views,
    views,
)

app_name = "pages"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("s/<str:code>", views.seat_page, name="seat"),
    path("find", views.find, name="find"),
    path("me", views.me, name="me"),
    path("building", map_views.building, name="building"),
    path("rooms/<int:room_id>/map", map_views.room_map, name="room-map"),
    path("find/seat", map_views.find_seat, name="find-seat"),
    path("login", views.login_page, name="login"),
    path("logout", views.logout_page, name="logout"),
    path("language", views.language, name="language"),
    # The address in the QR code on a room's screen (docs/presence.md).
    path("display/rooms/<int:room_id>/here", presence_views.here, name="here"),
    # Notices and news, lectures, e-resources, the mascots (docs/content.md)
    path("news/", content_views.news, name="news"),
    path("news/feed.atom", content_views.NewsFeed(), name="news-feed"),
    path("news/subscription", content_views.news_subscription, name="news-subscription"),
    path("news/<int:item_id>", content_views.news_item, name="news-item"),
    path("lectures/", content_views.lectures, name="lectures"),
    path("lectures/<int:lecture_id>", content_views.lecture, name="lecture"),
    path(
        "lectures/<int:lecture_id>/registration",
        content_views.lecture_registration,
        name="lecture-registration",
    ),
    path("lectures/<int:lecture_id>/attend", content_views.lecture_attend, name="lecture-attend"),
    path("eresources/", content_views.eresources, name="eresources"),
    path("ask", content_views.ask, name="ask"),
    # Group study rooms and other spaces (docs/spaces.md)
    path("spaces/", space_views.spaces, name="spaces"),
    path("spaces/mine", space_views.my_spaces, name="my-spaces"),
    path(
        "spaces/mine/<int:booking_id>/<str:action>",
        space_views.my_space_action,
        name="my-space-action",
    ),
    path("spaces/door/<str:code>", space_views.space_door, name="space-door"),
    path("spaces/<int:space_id>", space_views.space, name="space"),
    path("spaces/<int:space_id>/book", space_views.space_book, name="space-book"),
]
# Campus sign-in (docs/sign-in.md); each answers 404 unless configured.
urlpatterns += [
    path("login/cas", campus_views.CASLogin.as_view(), name="cas-login"),
    path("logout/cas", campus_views.CASLogout.as_view(), name="cas-logout"),
    path("login/oidc/", include("mozilla_django_oidc.urls")),
]
