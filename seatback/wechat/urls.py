from django.urls import path

from seatback.wechat import views

app_name = "wechat"

urlpatterns = [
    path("callback", views.callback, name="callback"),
    path("bind", views.bind, name="bind"),
    path("jssdk", views.jssdk, name="jssdk"),
    path("unbind", views.unbind, name="unbind"),
]
