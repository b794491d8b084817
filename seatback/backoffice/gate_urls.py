from django.urls import path

from seatback.backoffice import gate_views

app_name = "gates_backoffice"
urlpatterns = [
    path("", gate_views.headcount, name="headcount"),
    path("gates", gate_views.gates, name="gates"),
    path("buildings", gate_views.building_save, name="building-save"),
    path("buildings/<int:building_id>/gates", gate_views.gate_add, name="gate-add"),
    path("gates/<int:gate_id>/key", gate_views.gate_key, name="gate-key"),
    path("gates/<int:gate_id>/active", gate_views.gate_active, name="gate-active"),
]
