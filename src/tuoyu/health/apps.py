from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "tuoyu.health"
    verbose_name = _("Health and the medical partnership")

    def ready(self) -> None:
        from tuoyu.daycare.services.attendance import CHECK_IN_GUARDS
        from tuoyu.daycare.signals import symptoms_recorded
        from tuoyu.enrolment.services import ADMISSION_GUARDS
        from tuoyu.health import rules  # noqa: F401  (the HLT- and OUT- rules register on import)
        from tuoyu.health.services import outbreaks

        CHECK_IN_GUARDS.register(outbreaks.refuse_excluded_child)
        ADMISSION_GUARDS.register(outbreaks.refuse_quarantined_class)
        symptoms_recorded.connect(outbreaks.on_symptoms_recorded, dispatch_uid="health_outbreak_watch")
