from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DaycareConfig(AppConfig):
    name = "tuoyu.daycare"
    verbose_name = _("The day in care")

    def ready(self) -> None:
        # The daily-care compliance rules (DAY-xx) register themselves with the rules engine on import.
        from tuoyu.daycare import rules  # noqa: F401
