from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "tuoyu.enrolment"
    verbose_name = _("Families and enrolment")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.enrolment import rules  # noqa: F401  (its rules register on import)
        from tuoyu.enrolment.models import (
            Application,
            CareTask,
            Child,
            Consent,
            DeletionRequest,
            EntryExam,
            Guardianship,
            Offer,
            PickupPerson,
            Placement,
            ServiceAgreement,
        )

        # Who changed a child's or a family's data (docs/security.md). Not audited: the privacy notices and
        # admission priorities (reference tables) and HealthRecordAccess (itself an append-only log).
        auditlog.register(Child, mask_fields=["identity_number"])
        auditlog.register(Guardianship)
        auditlog.register(PickupPerson, mask_fields=["phone", "identity_number"])
        auditlog.register(Consent)
        auditlog.register(EntryExam)
        auditlog.register(Application)
        auditlog.register(Offer)
        auditlog.register(Placement)
        auditlog.register(ServiceAgreement)
        auditlog.register(CareTask)
        auditlog.register(DeletionRequest)
