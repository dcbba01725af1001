"""家园沟通: a conversation per child between the family and the institution, and the institution's notices.

A conversation belongs to a child at an institution: its family side is the child's guardians, its
institution side the caregivers of the child's current class and the institution's directors. Each
participant's last read time is kept (``ConversationRead``), which gives both the unread counts and the read
receipts (a message is read when someone of the other side read the conversation after it was written).
A notice (通知公告) goes to an institution or one class; each recipient has a row that says when they read it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.uploads import IMAGE_TYPES, SniffedFileField


class Side(models.TextChoices):
    FAMILY = "family", _("Family")
    INSTITUTION = "institution", _("Institution")


class Conversation(models.Model):
    """The messages about one child between the family and the institution where the child holds a place."""

    child = models.ForeignKey("enrolment.Child", on_delete=models.CASCADE, related_name="conversations")
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.PROTECT, related_name="conversations"
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "institution"], name="conversation_one_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.child} @ {self.institution}"


class Message(models.Model):
    """A message (text, a photo or both); a family's reply to a daily report names its day."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    body = models.TextField(_("message"), blank=True, max_length=2000)
    photo = SniffedFileField(_("photo"), upload_to="messages/%Y/%m/", allowed=IMAGE_TYPES, blank=True)
    report_day = models.DateField(_("reply to the daily report of"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_conversation_idx")]
        constraints = [
            models.CheckConstraint(name="message_has_text_or_photo", condition=~Q(body="") | ~Q(photo=""))
        ]

    def __str__(self) -> str:
        return self.body[:40] or str(_("Photo"))


class ConversationRead(models.Model):
    """When a participant last read a conversation: their unread count and the other side's read receipts."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    last_read_at = models.DateTimeField(_("last read at"))

    class Meta:
        verbose_name = _("conversation read")
        verbose_name_plural = _("conversation reads")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="conversation_read_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.last_read_at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """A notice (通知公告) of an institution, to all its families and staff or to one class's."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, related_name="notices")
    care_class = models.ForeignKey(
        "registry.CareClass",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=5000)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """One recipient of a notice, written when it is posted; ``read_at`` once they open it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.user}"
