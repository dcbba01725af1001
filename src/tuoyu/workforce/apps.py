from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "tuoyu.workforce"
    verbose_name = _("Workforce")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.workforce import rules  # noqa: F401  (its rules register on import)
        from tuoyu.workforce.models import Staff

        auditlog.register(Staff, mask_fields=["id_number"])
