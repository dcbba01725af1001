from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "tuoyu.subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.filings.signals import filing_approved
        from tuoyu.subsidies.models import Claim, SubsidyPolicy
        from tuoyu.subsidies.receivers import construction_claim_on_approval

        # Who changed a rate or a condition, and who submitted, returned or decided a claim.
        auditlog.register(SubsidyPolicy)
        auditlog.register(Claim)
        filing_approved.connect(construction_claim_on_approval, dispatch_uid="subsidies-construction-claim")
