from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "tuoyu.workforce"
    verbose_name = _("Workforce")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.workforce import rules  # noqa: F401  (its rules register on import)
        from tuoyu.workforce.models import Certificate, DutyShift, Staff, TrainingEnrolment

        # Who changed a staff member's record (docs/security.md). Not audited: the training sessions and the
        # certificate requirements (reference tables, no one's data).
        auditlog.register(Staff, mask_fields=["id_number", "phone"])
        auditlog.register(Certificate)
        auditlog.register(DutyShift)
        auditlog.register(TrainingEnrolment)
