from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "tuoyu.operations"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from tuoyu.operations import queue

        queue.record_failures()
        # Every process knows every task and the whole schedule, not only the consumer (which loads them too).
        autodiscover_modules("tasks")
