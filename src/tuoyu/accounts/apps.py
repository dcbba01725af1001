from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tuoyu.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.accounts.models import RoleAssignment

        auditlog.register(RoleAssignment)
