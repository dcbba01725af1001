import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.hours import parse_opening_hours
from tuoyu.registry.models import (
    CareClass,
    FilingStatus,
    Hospital,
    Institution,
    InstitutionPhoto,
    OperatingStatus,
    ProviderTag,
    ServiceOffering,
)
from tuoyu.registry.signals import announce_change
from tuoyu.uploads import delete_on_commit, photo_checked

MAX_INSTITUTION_PHOTOS = 12
"""Photos an institution shows families: its rooms, garden and meals, few enough to load on a phone."""


@dataclass(frozen=True)
class Offering:
    service_type: str
    price_yuan: Decimal
    price_unit: str


@transaction.atomic
def hospital_register(*, name: str, grade: str = "", address: str = "") -> Hospital:
    hospital = Hospital(name=name, grade=grade, address=address)
    hospital.full_clean()
    hospital.save()
    return hospital


@transaction.atomic
def institution_register(
    *,
    name: str,
    credit_code: str,
    registration_type: str,
    street: Region,
    address: str,
    latitude: Decimal,
    longitude: Decimal,
    building_area_m2: Decimal,
    floors_used: str,
    opening_hours: str,
    provider_models: Iterable[str],
    offerings: Iterable[Offering],
    partner_hospital: Hospital | None = None,
    inclusive_recognized_on: datetime.date | None = None,
    operating_status: str = OperatingStatus.PREPARING,
    public_phone: str = "",
    description: str = "",
) -> Institution:
    """Enter an institution into the registry with its provider models and priced services."""
    institution = Institution(
        name=name,
        credit_code=credit_code,
        registration_type=registration_type,
        street=street,
        address=address,
        latitude=latitude,
        longitude=longitude,
        building_area_m2=building_area_m2,
        floors_used=floors_used,
        opening_hours=opening_hours,
        **_structured_hours(opening_hours),
        partner_hospital=partner_hospital,
        inclusive_recognized_on=inclusive_recognized_on,
        operating_status=operating_status,
        public_phone=public_phone,
        description=description,
    )
    institution.full_clean()
    institution.save()
    for model in provider_models:
        tag = ProviderTag(institution=institution, model=model)
        tag.full_clean()
        tag.save()
    for offering in offerings:
        service = ServiceOffering(
            institution=institution,
            service_type=offering.service_type,
            price_yuan=offering.price_yuan,
            price_unit=offering.price_unit,
        )
        service.full_clean()
        service.save()
    announce_change(institution.pk)
    return institution


@transaction.atomic
def institution_record_filing(
    *, institution: Institution, receipt_no: str, filed_on: datetime.date, filed_places: int
) -> Institution:
    """Record a filing receipt issued by the health authority (备案回执).

    The online filing workflow builds on this; until then it records filings made on paper.
    """
    institution.filing_status = FilingStatus.FILED
    institution.filing_receipt_no = receipt_no
    institution.filed_on = filed_on
    institution.filed_places = filed_places
    institution.full_clean()
    institution.save()
    announce_change(institution.pk)
    return institution


@transaction.atomic
def care_class_create(
    *, institution: Institution, name: str, age_band: str, capacity: int, room_area_m2: Decimal
) -> CareClass:
    care_class = CareClass(
        institution=institution, name=name, age_band=age_band, capacity=capacity, room_area_m2=room_area_m2
    )
    care_class.full_clean()
    care_class.save()
    announce_change(institution.pk)
    return care_class


@transaction.atomic
def care_class_assign_caregivers(
    *, actor: User, care_class: CareClass, caregivers: Iterable[User]
) -> CareClass:
    """Set who looks after the class: the director chooses among the institution's caregivers."""
    if not actor_may(actor, Perm.CHANGE_INSTITUTION, care_class.institution_id):
        raise NotPermitted("not the institution's director")
    chosen = list(caregivers)
    holders = set(
        RoleAssignment.objects.filter(
            role=Role.CAREGIVER, institution_id=care_class.institution_id, user__in=chosen
        ).values_list("user_id", flat=True)
    )
    outsiders = [user.display_name for user in chosen if user.pk not in holders]
    if outsiders:
        raise Refusal(
            _("%(names)s is not a caregiver of this institution.") % {"names": "、".join(outsiders)},
            "not_a_caregiver_here",
        )
    care_class.caregivers.set(chosen)
    return care_class


@transaction.atomic
def institution_apply_particulars(
    *,
    institution: Institution,
    name: str,
    address: str,
    filed_places: int,
    serves_meals: bool,
    offerings: Iterable[Offering],
) -> Institution:
    """Apply the particulars of an approved filing: name, address, places and the services offered."""
    institution.name = name
    institution.address = address
    institution.filed_places = filed_places
    institution.serves_meals = serves_meals
    institution.full_clean()
    institution.save()
    offered = {offering.service_type: offering for offering in offerings}
    institution.services.exclude(service_type__in=offered).delete()
    for service_type, offering in offered.items():
        ServiceOffering.objects.update_or_create(
            institution=institution,
            service_type=service_type,
            defaults={"price_yuan": offering.price_yuan, "price_unit": offering.price_unit},
        )
    announce_change(institution.pk)
    return institution


@transaction.atomic
def institution_open_filed(
    *, institution: Institution, receipt_no: str, filed_on: datetime.date
) -> Institution:
    """An initial filing was approved: the institution is filed and may operate."""
    institution.filing_status = FilingStatus.FILED
    institution.filing_receipt_no = receipt_no
    institution.filed_on = filed_on
    if institution.operating_status == OperatingStatus.PREPARING:
        institution.operating_status = OperatingStatus.OPERATING
    institution.full_clean()
    institution.save()
    announce_change(institution.pk)
    return institution


@transaction.atomic
def institution_close_filing(*, institution: Institution) -> Institution:
    """The filing was cancelled (ending service): the institution leaves the directory."""
    institution.filing_status = FilingStatus.DEREGISTERED
    institution.operating_status = OperatingStatus.CLOSED
    institution.full_clean()
    institution.save()
    announce_change(institution.pk)
    return institution


def _structured_hours(opening_hours: str) -> dict[str, datetime.time]:
    """The opening hours as times, when the text gives them (else the defaults, 7:30 to 18:00, stay)."""
    parsed = parse_opening_hours(opening_hours)
    return {"opens_at": parsed[0], "closes_at": parsed[1]} if parsed else {}


# Photos of the institution ---------------------------------------------------------------------------------


def _require_change(actor: object, institution: Institution) -> None:
    if not actor_may(actor, Perm.CHANGE_INSTITUTION, institution.pk):
        raise NotPermitted


def institution_photo_add(
    *, actor: User, institution: Institution, upload: UploadedFile, caption: str = ""
) -> InstitutionPhoto:
    """The director adds a photo to the public page: a JPEG or PNG by its bytes, small enough, at most
    ``MAX_INSTITUTION_PHOTOS``; it comes last. Refusals ``photo_not_image``, ``photo_too_large`` (400),
    ``too_many_photos`` (409)."""
    _require_change(actor, institution)
    image = photo_checked(upload)  # metadata dropped
    with transaction.atomic():
        Institution.objects.select_for_update().filter(pk=institution.pk).first()  # one upload at a time
        photos = InstitutionPhoto.objects.filter(institution=institution)
        if photos.count() >= MAX_INSTITUTION_PHOTOS:
            raise Refusal(
                _("An institution shows at most %(n)d photos: delete one first.")
                % {"n": MAX_INSTITUTION_PHOTOS},
                "too_many_photos",
                conflict=True,
            )
        last = photos.aggregate(last=Max("position"))["last"]
        photo = InstitutionPhoto(
            institution=institution,
            image=image,
            caption=(caption or "").strip()[:100],
            position=0 if last is None else last + 1,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        try:
            photo.full_clean()
            photo.save()  # stored under a random name
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def institution_photo_delete(*, actor: User, photo: InstitutionPhoto) -> None:
    _require_change(actor, photo.institution)
    with transaction.atomic():
        delete_on_commit(photo.image)
        photo.delete()


@transaction.atomic
def institution_photo_move_up(*, actor: User, photo: InstitutionPhoto) -> None:
    """The photo one place earlier on the public page (the first one stays first)."""
    _require_change(actor, photo.institution)
    photos = list(InstitutionPhoto.objects.select_for_update().filter(institution=photo.institution))
    index = next(i for i, other in enumerate(photos) if other.pk == photo.pk)
    if index > 0:
        photos[index - 1], photos[index] = photos[index], photos[index - 1]
    for position, other in enumerate(photos):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
