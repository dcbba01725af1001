"""On-site inspections (现场检查): started with every item prefilled from Tuoyu's data, answered item by item
on the inspector's phone (an answer that differs from the data needs a reason), photos per item, the
signatures of the inspector and the director, and completed in one action: score, grade, and a
rectification order for every failed item, the director told."""

import base64
import binascii
import re

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import directors_of
from tuoyu.rules import Severity
from tuoyu.supervision.models import (
    FOUND_ON_SITE,
    Checklist,
    Finding,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionPhoto,
    InspectionPlan,
    InspectionStatus,
    ItemResult,
)
from tuoyu.supervision.prefill import prefill
from tuoyu.supervision.services.rectification import rectification_issue

MAX_PHOTOS_PER_ITEM = 3
MAX_SIGNATURE_BYTES = 1024 * 1024
NUMBER_PREFIX = "检查"
SIGNERS = ("inspector", "director")
DATA_URL = re.compile(r"^data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}〔{year}〕"
    taken = Inspection.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1}号"


def _check_may_inspect(actor: User, inspection: Inspection) -> None:
    """Only the institution's regulators fill in an inspection, and only while it is in progress."""
    if not actor_may(actor, Perm.SUPERVISE_REGION, inspection.institution_id):
        raise NotPermitted("not an inspector of this institution")
    if inspection.status != InspectionStatus.IN_PROGRESS:
        raise Refusal(
            _("This inspection is completed: its record can no longer change."),
            code="inspection_completed",
            conflict=True,
        )


def inspection_start(
    *,
    institution: Institution,
    checklist: Checklist,
    actor: User,
    kind: str = InspectionKind.ROUTINE,
    plan: InspectionPlan | None = None,
) -> Inspection:
    """Start an inspection now: numbered 检查〔year〕N号, every item of the checklist prefilled from the data
    with its evidence."""
    if not actor_may(actor, Perm.SUPERVISE_REGION, institution.pk):
        raise NotPermitted("not a regulator of this institution")
    if not checklist.active:
        raise Refusal(_("This checklist is no longer in use."), code="checklist_not_in_use")
    if kind not in InspectionKind.values:
        raise Refusal(_("Choose the kind of inspection."), code="inspection_kind_unknown")
    now = timezone.now()
    today = timezone.localdate(now)
    items = list(checklist.items.order_by("position"))
    if not items:
        raise Refusal(_("This checklist has no items."), code="checklist_empty")
    prefilled = {item.pk: prefill(item.prefill, institution, today) for item in items}
    for _attempt in range(5):  # two inspections started at once may draw the same number: draw again
        try:
            with transaction.atomic():
                inspection = Inspection(
                    number=_next_number(today.year),
                    institution=institution,
                    checklist=checklist,
                    kind=kind,
                    plan=plan,
                    inspector=actor,
                    started_at=now,
                )
                inspection.full_clean(exclude=["number"])
                inspection.save()
                InspectionItem.objects.bulk_create(
                    InspectionItem(
                        inspection=inspection,
                        item=item,
                        prefilled=prefilled[item.pk][0] or "",
                        evidence=prefilled[item.pk][1],
                    )
                    for item in items
                )
                return inspection
        except IntegrityError:
            continue
    raise Refusal(_("Please try again."), code="inspection_number_busy")  # pragma: no cover


@transaction.atomic
def inspection_record_item(
    *, item: InspectionItem, actor: User, result: str, override_reason: str = "", note: str = ""
) -> InspectionItem:
    """The inspector's answer to one item: confirms Tuoyu's data, or overrides it with a reason. An empty
    ``result`` keeps the item unanswered (a note only)."""
    item = InspectionItem.objects.select_for_update().select_related("inspection", "item").get(pk=item.pk)
    _check_may_inspect(actor, item.inspection)
    if result and result not in ItemResult.values:
        raise Refusal(_("Answer with met, not met or not applicable."), code="item_result_unknown")
    reason = override_reason.strip()
    overrides = bool(result and item.prefilled and result != item.prefilled)
    if overrides and not reason:
        raise Refusal(
            _("Your answer differs from what Tuoyu's data says: give the reason for overriding it."),
            code="override_reason_required",
        )
    item.result = result
    item.override_reason = reason if overrides else ""
    item.note = note.strip()
    item.updated_at = timezone.now()
    item.full_clean()
    item.save(update_fields=["result", "override_reason", "note", "updated_at"])
    return item


@transaction.atomic
def inspection_add_photo(*, item: InspectionItem, actor: User, file: File) -> InspectionPhoto:
    """A photo for one item (JPEG or PNG, at most ``MAX_PHOTOS_PER_ITEM`` per item)."""
    item = InspectionItem.objects.select_for_update().select_related("inspection").get(pk=item.pk)
    _check_may_inspect(actor, item.inspection)
    if item.photos.count() >= MAX_PHOTOS_PER_ITEM:
        raise Refusal(
            _("An item has at most %(n)d photos.") % {"n": MAX_PHOTOS_PER_ITEM},
            code="too_many_photos",
            conflict=True,
        )
    photo = InspectionPhoto(item=item, file=file, taken_at=timezone.now())
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def inspection_remove_photo(*, photo: InspectionPhoto, actor: User) -> None:
    _check_may_inspect(actor, photo.item.inspection)
    photo.file.delete(save=False)
    photo.delete()


def signature_file(signature: str | File) -> File:
    """The signature drawn on the screen: a PNG file, or a ``data:image/png;base64,...`` URL of one."""
    if not isinstance(signature, str):
        if signature.size is not None and signature.size > MAX_SIGNATURE_BYTES:
            raise Refusal(_("The signature is too large."), code="signature_too_large")
        return signature
    match = DATA_URL.match(signature.strip())
    if match is None:
        raise Refusal(_("The signature must be a PNG image drawn on the screen."), code="signature_invalid")
    try:
        data = base64.b64decode(match["data"], validate=False)
    except (binascii.Error, ValueError):
        raise Refusal(
            _("The signature must be a PNG image drawn on the screen."), code="signature_invalid"
        ) from None
    if len(data) > MAX_SIGNATURE_BYTES:
        raise Refusal(_("The signature is too large."), code="signature_too_large")
    return ContentFile(data, name="signature.png")


@transaction.atomic
def inspection_sign(
    *, inspection: Inspection, actor: User, signer: str, signature: str | File, director_name: str = ""
) -> Inspection:
    """The signature of the inspector or of the director present, drawn on the inspector's screen."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_may_inspect(actor, inspection)
    if signer not in SIGNERS:
        raise Refusal(_("Say who signs: the inspector or the director."), code="signer_unknown")
    file = signature_file(signature)
    if signer == "director":
        name = director_name.strip()
        if not name and not inspection.director_name:
            raise Refusal(_("Give the name of the director who signs."), code="director_name_required")
        inspection.director_name = name or inspection.director_name
    field = f"{signer}_signature"
    old = getattr(inspection, field)
    if old:
        old.delete(save=False)
    setattr(inspection, field, file)
    inspection.full_clean(exclude=["number"])
    inspection.save()
    return inspection


def grade_for(score: int, cutoffs: dict[str, int]) -> str:
    """The best grade whose cut-off the score reaches; "D" below every cut-off."""
    for grade, minimum in sorted(cutoffs.items(), key=lambda pair: -int(pair[1])):
        if score >= int(minimum):
            return str(grade)
    return "D"


def score_of(items: list[InspectionItem], max_score: int) -> int:
    """Points of the items met out of ``max_score``, items not applicable scaled out."""
    applicable = sum(item.item.weight for item in items if item.result != ItemResult.NOT_APPLICABLE)
    met = sum(item.item.weight for item in items if item.result == ItemResult.PASS)
    if not applicable:
        return max_score
    return round(met * max_score / applicable)


INSPECTION_COMPLETED_TITLE = gettext_lazy(
    "Inspection %(number)s completed: %(score)s points, grade %(grade)s"
)
INSPECTION_COMPLETED_BODY = gettext_lazy("%(failed)s items are to be rectified.")


@transaction.atomic
def inspection_complete(*, inspection: Inspection, actor: User, remarks: str = "") -> Inspection:
    """End the inspection: the score, the grade (D when a basic item fails), a rectification order for each
    failed item with the finding it comes from (closed when the order is verified), and the director told —
    all or nothing."""
    inspection = (
        Inspection.objects.select_for_update()
        .select_related("checklist", "institution")
        .get(pk=inspection.pk)
    )
    _check_may_inspect(actor, inspection)
    items = list(inspection.items.select_related("item").order_by("item__position"))
    unanswered = [item.item.number for item in items if not item.result]
    if unanswered:
        raise Refusal(
            _("Answer every item before completing: %(items)s are still open.")
            % {"items": ", ".join(unanswered[:10]) + ("…" if len(unanswered) > 10 else "")},
            code="items_unanswered",
            conflict=True,
        )
    if not inspection.inspector_signature or not inspection.director_signature:
        raise Refusal(
            _("Both the inspector and the director must sign before completing."),
            code="signatures_missing",
            conflict=True,
        )
    now = timezone.now()
    for item in items:
        item.points = (
            None
            if item.result == ItemResult.NOT_APPLICABLE
            else (item.item.weight if item.result == ItemResult.PASS else 0)
        )
    failed = [item for item in items if item.result == ItemResult.FAIL]
    inspection.vetoed = any(item.item.veto for item in failed)
    inspection.score = score_of(items, inspection.checklist.max_score)
    inspection.grade = (
        "D" if inspection.vetoed else grade_for(inspection.score, inspection.checklist.grade_cutoffs)
    )
    inspection.ended_at = now
    inspection.status = InspectionStatus.COMPLETED
    inspection.remarks = remarks.strip()
    inspection.full_clean(exclude=["number"])
    inspection.save()
    for item in failed:
        source = item.item.source
        if "（" in source and "《" not in source:  # a document's title with its own brackets: 《…（试行）》
            source = f"《{source}》"
        requirement = [f"{item.item.text}（依据：{source}）"]
        if item.note:
            requirement.append(f"检查发现：{item.note}")
        if item.evidence:
            requirement.append(f"系统数据：{item.evidence}")
        severity = Severity.BLOCK if item.item.veto else Severity.VIOLATION
        finding = Finding.objects.create(
            rule_code=FOUND_ON_SITE,
            severity=severity,
            institution=inspection.institution,
            subject_key=f"inspection-item:{item.pk}",
            subject_label=f"{inspection.number} · {item.item.number}"[:120],
            evidence="\n".join(requirement),
            summary=item.item.text[:300],  # the checklist's wording: what a regulator may read
            detected_at=now,
        )
        item.case = rectification_issue(
            institution=inspection.institution,
            subject=f"{item.item.number} {item.item.text}",
            actor=actor,
            severity=severity,
            requirement="\n".join(requirement),
            source_key=f"finding:{finding.pk}",
            source_label=f"{inspection.number} · {item.item.number}",
        )
    InspectionItem.objects.bulk_update(items, ["points", "case"])
    notify_all(
        directors_of(inspection.institution_id),
        kind=NotificationKind.INSPECTION_COMPLETED,
        title=INSPECTION_COMPLETED_TITLE,
        body=INSPECTION_COMPLETED_BODY if failed else "",
        params={
            "number": inspection.number,
            "score": inspection.score,
            "grade": inspection.grade,
            "failed": len(failed),
        },
        link=reverse("supervision:inspection", kwargs={"pk": inspection.pk}),
    )
    return inspection
