from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeatsConfig(AppConfig):
    name = "seatback.seats"
    label = "seats"
    verbose_name = _("Seats")
