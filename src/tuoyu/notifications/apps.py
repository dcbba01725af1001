from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tuoyu.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from tuoyu.sms import check_sms_backend

        register(check_sms_backend, Tags.security, deploy=True)
