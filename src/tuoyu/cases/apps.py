from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tuoyu.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.cases.models import Case

        auditlog.register(Case)
