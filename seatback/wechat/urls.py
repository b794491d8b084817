from django.urls import path

from seatback.wechat import views

app_name = "wechat"

urlpatterns = [
    path("callback", views.callback, name="callback"),
    path("bind", views.bind, name="bind"),
    path("unbind", views.unbind, name="unbind"),
]
