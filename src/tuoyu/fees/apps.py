from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "tuoyu.fees"
    verbose_name = _("Fees")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # The fees' compliance rule (FEE-01) registers itself with the rules engine on import.
        from tuoyu.fees import rules  # noqa: F401
        from tuoyu.fees.models import FeePayment, FeeStatement, GuidedPrice, MealPlan

        auditlog.register(GuidedPrice)
        auditlog.register(MealPlan)
        auditlog.register(FeePayment)
        auditlog.register(FeeStatement)  # a child's fees: who issued it again, and when
