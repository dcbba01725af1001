from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "tuoyu.enrolment"
    verbose_name = _("Families and enrolment")

    def ready(self) -> None:
        from tuoyu.enrolment import rules  # noqa: F401  (its rules register on import)
