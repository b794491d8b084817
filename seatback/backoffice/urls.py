from django.urls import path

from seatback.backoffice import admin_views, reader_views, room_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("seats/", views.seat_find, name="seat-find"),
    path("seats/<int:seat_id>/", views.seat_timeline, name="seat"),
    path("seats/<int:seat_id>/active", views.seat_active, name="seat-active"),
    path("readers/", reader_views.reader_search, name="readers"),
    path("readers/<int:reader_id>/", reader_views.reader_detail, name="reader"),
    path("readers/<int:reader_id>/ban", reader_views.reader_ban, name="reader-ban"),
    path("readers/<int:reader_id>/unban", reader_views.reader_unban, name="reader-unban"),
    path(
        "readers/<int:reader_id>/wechat/unbind",
        reader_views.reader_wechat_unbind,
        name="reader-wechat-unbind",
    ),
    path("readers/<int:reader_id>/staff", reader_views.reader_staff, name="reader-staff"),
    path("violations/<int:violation_id>/forgive", reader_views.violation_forgive, name="forgive"),
    path("staff/", reader_views.staff_list, name="staff"),
    path("staff/add", reader_views.reader_staff, name="staff-add"),
    path("rooms/new", room_views.room_new, name="room-new"),
    path("rooms/<int:room_id>/", room_views.room_live, name="room"),
    path("rooms/<int:room_id>/live.json", room_views.room_live_json, name="room-live"),
    path("rooms/<int:room_id>/edit", room_views.room_edit, name="room-edit"),
    path("rooms/<int:room_id>/active", room_views.room_active, name="room-active"),
    path("rooms/<int:room_id>/policy", room_views.room_policy, name="room-policy"),
    path("import/", admin_views.import_page, name="import"),
    path("audit/", admin_views.audit_page, name="audit"),
]
