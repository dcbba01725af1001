from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "tuoyu.subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.subsidies.models import Claim, SubsidyPolicy

        # Who changed a rate or a condition, and who submitted, returned or decided a claim.
        auditlog.register(SubsidyPolicy)
        auditlog.register(Claim)
