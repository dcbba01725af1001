from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _record_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    from tuoyu.accounts.lockout import lockout_record

    lockout_record(
        request=request, username=username, ip_address=ip_address, reasons=kwargs.get("reasons", [])
    )


class AccountsConfig(AppConfig):
    name = "tuoyu.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out

        import tuoyu.api_schema  # noqa: F401  # the API token's security scheme
        from tuoyu.accounts.models import LoginLockout, RoleAssignment

        auditlog.register(RoleAssignment)
        auditlog.register(LoginLockout)
        user_locked_out.connect(_record_lockout, dispatch_uid="tuoyu.accounts.record_lockout")
