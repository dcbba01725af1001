from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "tuoyu.messaging"
    verbose_name = _("Messages between families and the institution")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.messaging.models import Conversation, Message, Notice, NoticeRecipient

        auditlog.register(Conversation)
        auditlog.register(Message)
        auditlog.register(Notice)
        auditlog.register(NoticeRecipient)
