from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "tuoyu.enterprises"
    verbose_name = _("Enterprise service desk")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.cases.kinds import register_kind
        from tuoyu.enterprises.kinds import REQUEST_KIND
        from tuoyu.enterprises.models import (
            Department,
            Dispatch,
            Enterprise,
            Extension,
            Rating,
            ServiceRequest,
            ServiceTeam,
            Visit,
        )

        register_kind(REQUEST_KIND)
        # The contact person's phone is personal data, as a guardian's is (docs/enterprises.md).
        auditlog.register(Enterprise, mask_fields=["contact_phone"])
        auditlog.register(ServiceTeam, m2m_fields={"members"})
        auditlog.register(Department, m2m_fields={"contacts"})
        auditlog.register(Visit, m2m_fields={"teams", "visitors", "follow_up_of"})
        auditlog.register(ServiceRequest, exclude_fields=["token"])
        auditlog.register(Dispatch)
        auditlog.register(Extension)
        auditlog.register(Rating)
