from django.urls import path

from seatback.backoffice import analytics_views as views

app_name = "analytics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("rows/", views.rows, name="rows"),
    path("export.csv", views.export, {"format": "csv"}, name="export-csv"),
    path("export.xlsx", views.export, {"format": "xlsx"}, name="export-xlsx"),
    path("report.pdf", views.monthly_report, name="report"),
    path("simulate/", views.simulate, name="simulate"),
]
