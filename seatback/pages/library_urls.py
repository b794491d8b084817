from django.urls import path

from seatback.pages import library_views as views

app_name = "library"
urlpatterns = [
    path("loans", views.loans, name="loans"),
    path("loans/renew", views.renew, name="renew"),
    path("loans/renew-all", views.renew_all, name="renew_all"),
    path("search", views.search, name="search"),
    path("isbn", views.isbn, name="isbn"),
]
