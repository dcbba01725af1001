from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DaycareConfig(AppConfig):
    name = "tuoyu.daycare"
    verbose_name = _("The day in care")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # The daily-care compliance rules (DAY-xx) register themselves with the rules engine on import.
        from tuoyu.daycare import rules  # noqa: F401
        from tuoyu.daycare.models import (
            Absence,
            Attendance,
            CareLogEntry,
            ClassDuty,
            DailyReport,
            HealthCheck,
            IllnessFollowUp,
            MedicationInstruction,
            Outing,
            PickupRefusal,
            ReportPhoto,
        )

        # Who changed a child's day or a caregiver's duty (docs/security.md). Not audited: what holds no
        # one's data (ratio breaches are counts; menus, food samples, activity areas, weather exemptions).
        auditlog.register(Attendance)
        auditlog.register(HealthCheck)
        auditlog.register(Absence)
        auditlog.register(IllnessFollowUp)
        auditlog.register(PickupRefusal)
        auditlog.register(ClassDuty)
        auditlog.register(CareLogEntry)
        auditlog.register(MedicationInstruction)
        auditlog.register(DailyReport)
        auditlog.register(ReportPhoto)
        # Which children went out and came back is the record itself: their lists are audited too.
        auditlog.register(Outing, m2m_fields={"children_out", "children_back"})
