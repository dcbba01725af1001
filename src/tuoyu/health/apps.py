from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "tuoyu.health"
    verbose_name = _("Health and the medical partnership")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate, post_save

        from tuoyu.daycare.services.attendance import CHECK_IN_GUARDS
        from tuoyu.daycare.signals import symptoms_recorded
        from tuoyu.enrolment.services import ADMISSION_GUARDS
        from tuoyu.health import rules  # noqa: F401  (the HLT- and OUT- rules register on import)
        from tuoyu.health.models import (
            DevelopmentScreening,
            Diagnosis,
            DoctorVisit,
            HealthExam,
            ImmunisationCheck,
            Measurement,
            OutbreakReport,
            Referral,
            ReturnCertificate,
        )
        from tuoyu.health.receivers import (
            reassess_after_migrate,
            reassess_on_region_saved,
            watch_on_symptoms_recorded,
        )
        from tuoyu.health.services import outbreaks
        from tuoyu.regions.models import Region

        CHECK_IN_GUARDS.register(outbreaks.refuse_excluded_child)
        ADMISSION_GUARDS.register(outbreaks.refuse_quarantined_class)
        symptoms_recorded.connect(watch_on_symptoms_recorded, dispatch_uid="health_outbreak_watch")
        post_save.connect(reassess_on_region_saved, sender=Region, dispatch_uid="health_growth_reassess")
        post_migrate.connect(reassess_after_migrate, sender=self, dispatch_uid="health_growth_reassess_all")

        # Who changed a child's health record (docs/security.md). Not audited: diseases (a reference table),
        # the log of reminders sent, class quarantines (a class's, no one's data) and the retention runs.
        auditlog.register(Measurement)
        auditlog.register(HealthExam)
        auditlog.register(DevelopmentScreening)
        auditlog.register(Referral)
        auditlog.register(ImmunisationCheck)
        auditlog.register(Diagnosis)
        auditlog.register(ReturnCertificate)
        # Which children a doctor saw, which children an outbreak counts: the lists are audited too.
        auditlog.register(DoctorVisit, m2m_fields={"children"})
        auditlog.register(OutbreakReport, m2m_fields={"cases"})
