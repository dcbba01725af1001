"""A guardian's rights over their child's data (PIPL art. 45 and 47): a copy, and deletion.

Deletion is refused only where a retention rule applies: once a child has held a place, the institution
keeps the child's enrolment and health file (national rules §7.8, §12.1). It cannot be undone, so the
guardian confirms it by typing the child's name, and the child's other guardians are told.
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.identity import mask_identity_number
from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, DeletionRequest
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.enrolment.services import child_lock, require_guardian
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import Refusal
from tuoyu.uploads import delete_on_commit


def child_data_export(*, guardian: User, child: Child) -> dict[str, Any]:
    """Everything Tuoyu stores about the child, as a guardian downloads it (JSON-ready)."""
    require_guardian(guardian, child)
    return {
        "exported_at": timezone.now().isoformat(),
        "child": {
            "name": child.name,
            "sex": child.get_sex_display(),
            "birth_date": child.birth_date.isoformat(),
            "identity_number": mask_identity_number(child.identity_number),
            "allergies": child.allergies,
            "special_needs": child.special_needs,
            "recorded_at": child.created_at.isoformat(),
        },
        "guardians": [
            {"name": g.user.display_name, "relation": g.get_relation_display(), "mobile": g.user.phone}
            for g in child.guardianships.select_related("user")
        ],
        "pickup_persons": [
            {
                "name": p.name,
                "relation": p.get_relation_display(),
                "mobile": p.phone,
                "identity_number": mask_identity_number(p.identity_number),
            }
            for p in child.pickup_persons.all()
        ],
        "entry_exams": [
            {
                "examined_on": e.examined_on.isoformat(),
                "medical_institution": e.medical_institution,
                "result": e.get_result_display(),
            }
            for e in child.entry_exams.all()
        ],
        "applications": [
            {
                "institution": a.institution.name,
                "service_type": a.get_service_type_display(),
                "desired_start": a.desired_start.isoformat(),
                "status": a.get_status_display(),
                "applied_at": a.applied_at.isoformat(),
            }
            for a in child.applications.select_related("institution")
        ],
        "placements": [
            {
                "institution": p.institution.name,
                "class": p.care_class.name,
                "start_date": p.start_date.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "end_reason": p.get_end_reason_display(),
            }
            for p in child.placements.select_related("institution", "care_class")
        ],
    }


@transaction.atomic
def child_delete_request(*, guardian: User, child: Child, confirm: str) -> DeletionRequest:
    """Delete the child's data now, or record why it must be kept. ``confirm`` is the child's name as the
    guardian typed it: anything else changes nothing."""
    child = child_lock(child)
    require_guardian(guardian, child)
    if confirm.strip() != child.name:
        raise Refusal(
            _("To delete the data, type the child's name exactly as it is recorded: %(child)s.")
            % {"child": child.name},
            code="confirmation_required",
        )
    request = DeletionRequest(child_name=child.name, child_code=child.code, requested_by=guardian)
    if child.placements.exists():
        request.outcome = DeletionRequest.Outcome.REFUSED
        request.reason = str(
            _(
                "%(child)s has held a place at an institution, which must keep the child's enrolment and "
                "health records (national rules §7.8 and §12.1). Ask the institution about the retention "
                "period; everything else (applications, bookings) can be withdrawn."
            )
            % {"child": child.name}
        )
    else:
        request.outcome = DeletionRequest.Outcome.DELETED
        others = list(guardians_of(child).exclude(pk=guardian.pk))
        delete_on_commit(child.photo)
        child.delete()
        notify_all(
            others,
            kind=NotificationKind.CHILD_DELETED,
            title=_("The data about %(child)s were deleted"),
            body=_("%(guardian)s deleted all data about %(child)s from Tuoyu. This cannot be undone."),
            params={"child": request.child_name, "guardian": guardian.display_name},
            link=reverse("enrolment:family"),
            sms=True,
        )
    request.save()
    return request
