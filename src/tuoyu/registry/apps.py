from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "tuoyu.registry"
    verbose_name = _("Institution registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.registry import rules  # noqa: F401  (its rules register on import)
        from tuoyu.registry.models import CareClass, Institution, InstitutionPhoto, ServiceOffering

        auditlog.register(Institution)
        auditlog.register(InstitutionPhoto)
        auditlog.register(CareClass, m2m_fields={"caregivers"})  # who reads the families' messages
        auditlog.register(ServiceOffering)
