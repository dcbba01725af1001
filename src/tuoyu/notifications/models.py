from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about; stored in ``Notification.kind`` (the values are kept in stored rows)."""

    # Attendance, care log and supervision of the day (daycare)
    EXPECTED_ABSENT = "expected_absent", _("Child expected but absent")
    SENT_HOME = "sent_home", _("Child sent home")
    ILLNESS_ABSENCE = "illness_absence", _("Absence through illness")
    FAMILY_ABSENCE = "family_absence", _("Absence reported by the family")
    PICKUP_REFUSED = "pickup_refused", _("Pick-up refused")
    CARE_INCIDENT = "care_incident", _("Incident recorded")
    DAILY_REPORT = "daily_report", _("Daily report published")
    DAILY_REPORT_REPLY = "daily_report_reply", _("Reply to a daily report")
    OUTING_MISMATCH = "outing_mismatch", _("Head count mismatch after an outing")
    RATIO_BREACH = "ratio_breach", _("Caregiver ratio breached")
    # Health
    DOCTOR_VISIT = "doctor_visit", _("Doctor's visit recorded")
    GROWTH_REFERRAL = "growth_referral", _("Referral for severe undernutrition")
    HEALTH_REFERRAL = "health_referral", _("Referral to a doctor")
    HEALTH_REFERRAL_CLOSED = "health_referral_closed", _("Referral closed")
    IMMUNISATION_MISSING_DOSES = "immunisation_missing_doses", _("Vaccination doses missing")
    EXAM_OVERDUE = "exam_overdue", _("Examination overdue")
    EXAM_OVERDUE_DIGEST = "exam_overdue_digest", _("Digest of overdue examinations")
    OUTBREAK_OPENED = "outbreak_opened", _("Outbreak to report")
    OUTBREAK_REPORTED = "outbreak_reported", _("Outbreak reported")
    OUTBREAK_RESOLVED = "outbreak_resolved", _("Outbreak resolved")
    # Temporary care and parent-child sessions (bookings)
    BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
    BOOKING_WAITLISTED = "booking_waitlisted", _("Booking on the waitlist")
    SESSION_PLACE_FREED = "session_place_freed", _("Place freed on a session")
    # Messages between families and the institution (messaging)
    FAMILY_MESSAGE = "family_message", _("New message about a child")
    NOTICE_POSTED = "notice_posted", _("Notice from the institution")
    # Applications, offers and the family's data (enrolment)
    APPLICATION_RECEIVED = "application_received", _("Application received")
    OFFER_MADE = "offer_made", _("Offer of a place")
    OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
    OFFER_DECLINED = "offer_declined", _("Offer declined")
    OFFER_EXPIRED = "offer_expired", _("Offer expired")
    CHILD_DELETED = "child_deleted", _("Child's data deleted")
    # Cases, inspections and complaints (supervision)
    CASE_UPDATED = "case_updated", _("Supervision case updated")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    INSPECTION_COMPLETED = "inspection_completed", _("Inspection completed")
    INSPECTION_PLAN_PUBLISHED = "inspection_plan_published", _("Inspection plan published")
    # The enterprise service desk (enterprises)
    ENTERPRISE_REQUEST = "enterprise_request", _("Enterprise request updated")
    DISPATCH_RECEIVED = "dispatch_received", _("Enterprise request dispatched to your department")
    DISPATCH_REMINDER = "dispatch_reminder", _("Reminder: enterprise request overdue")
    # The national childcare allowance helper (fees)
    ALLOWANCE_REMINDER = "allowance_reminder", _("Childcare allowance reminder")
    # Families' fees (fees)
    FEE_STATEMENT = "fee_statement", _("Fee statement issued")
    # Subsidies
    SUBSIDY_CLAIM_RETURNED = "subsidy_claim_returned", _("Subsidy claim returned")
    SUBSIDY_DECIDED = "subsidy_decided", _("Subsidy decided")


class Notification(models.Model):
    """A message in a user's in-app inbox (站内消息); important ones also go out as a text message."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("message type"), max_length=40, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sent_by_sms = models.BooleanField(_("also sent by text message"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
