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
        from tuoyu.accounts.models import LoginLockout, RoleAssignment, User

        # The account itself (who changed a guardian's name or number, who deactivated whom), without the
        # password hash, and without the time of the last sign-in (a change at every sign-in, not an edit).
        # The second factor's secrets live in django-otp's own tables, which are not audited.
        auditlog.register(User, exclude_fields=["password", "last_login"], mask_fields=["phone"])
        auditlog.register(RoleAssignment)
        auditlog.register(LoginLockout, mask_fields=["phone"])
        user_locked_out.connect(_record_lockout, dispatch_uid="tuoyu.accounts.record_lockout")
