from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "tuoyu.fees"
    verbose_name = _("Fees")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.fees.models import FeePayment, GuidedPrice, MealPlan

        auditlog.register(GuidedPrice)
        auditlog.register(MealPlan)
        auditlog.register(FeePayment)
