from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "tuoyu.filings"
    verbose_name = _("Filings")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.filings import rules  # noqa: F401  (its rules register on import)
        from tuoyu.filings.models import Filing, FilingMaterial

        auditlog.register(Filing)
        auditlog.register(FilingMaterial)
