from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tuoyu.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from tuoyu.cases.kinds import register_kind
        from tuoyu.supervision.casekinds import COMPLAINT_KIND, RECTIFICATION_KIND

        register_kind(RECTIFICATION_KIND)
        register_kind(COMPLAINT_KIND)
        from tuoyu.registry.signals import institution_data_changed
        from tuoyu.supervision.receivers import refresh_findings_on_change

        institution_data_changed.connect(
            refresh_findings_on_change, dispatch_uid="supervision-refresh-findings"
        )
        from auditlog.registry import auditlog

        from tuoyu.supervision.models import Inspection, InspectionItem, InspectionPhoto

        # On-site inspections: who answered, overrode, photographed and signed what, and when.
        auditlog.register(Inspection)
        auditlog.register(InspectionItem)
        auditlog.register(InspectionPhoto)
