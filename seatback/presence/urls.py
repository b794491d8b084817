from django.urls import URLPattern

app_name = "presence"
urlpatterns: list[URLPattern] = []
