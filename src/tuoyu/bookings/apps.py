from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "tuoyu.bookings"
    verbose_name = _("Temporary care and parent-child sessions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuoyu.bookings.models import (
            ParentChildSession,
            SessionBooking,
            TemporaryCareBooking,
            TemporaryCareSlot,
        )

        auditlog.register(TemporaryCareSlot)
        auditlog.register(TemporaryCareBooking)
        auditlog.register(ParentChildSession)
        auditlog.register(SessionBooking)
