from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tuoyu.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.cases.kinds import register_kind
        from tuoyu.registry.signals import institution_data_changed
        from tuoyu.supervision.casekinds import COMPLAINT_KIND, RECTIFICATION_KIND
        from tuoyu.supervision.models import (
            Complaint,
            Inspection,
            InspectionItem,
            InspectionPhoto,
            InspectionPlan,
        )
        from tuoyu.supervision.receivers import refresh_findings_on_change

        register_kind(RECTIFICATION_KIND)
        register_kind(COMPLAINT_KIND)
        institution_data_changed.connect(
            refresh_findings_on_change, dispatch_uid="supervision-refresh-findings"
        )
        # A complaint's handling is logged; who complained is not repeated in the log, which its readers
        # (the administrators) may not read: only the regulator handling the complaint does.
        auditlog.register(Complaint, exclude_fields=["complainant_name", "complainant_phone", "complainant"])
        # Who drew and who approved a plan, and any change to it (a plan published is evidence).
        auditlog.register(InspectionPlan)
        # On-site inspections: who answered, overrode, photographed and signed what, and when.
        auditlog.register(Inspection)
        auditlog.register(InspectionItem)
        auditlog.register(InspectionPhoto)
