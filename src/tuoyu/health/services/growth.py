"""Recording growth measurements: inputs, age, WHO z-scores, flags and classification stored together.

The institution's director and health worker record for the institution, the partner hospital's doctor for
the hospital, guardians their own child's measurements as guardian-reported (``selectors.growth
.growth_recorder``). The z-scores come from ``growth.batch.assess``, the one path from inputs to results.
Impossible values (a negative weight, a 40 kg infant, a length outside the tables) are stored with flags
that explain them; a date in the future or before the birth is refused. Severe undernutrition refers the
child at once (national rules §10.10): a :class:`Referral` with reason "growth", and the institution's
health workers and the guardians are told.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.health.growth.batch import ItemError, assess, classification_findings
from tuoyu.health.growth.classification import CONDITIONS, needs_referral
from tuoyu.health.models import Measurement, Referral, ReferralReason
from tuoyu.health.selectors.growth import growth_recorder
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import health_workers_of
from tuoyu.registry.signals import announce_change

INDICATOR_NAMES = {
    "zwei": gettext_lazy("weight-for-age"),
    "zlen": gettext_lazy("length/height-for-age"),
    "zwfl": gettext_lazy("weight-for-length/height"),
}


def growth_item(measurement: Measurement) -> dict[str, Any]:
    """A measurement (saved or not) as an item of ``growth.batch.assess``."""
    return {
        "sex": measurement.child.sex,
        "birth_date": measurement.child.birth_date,
        "measured_on": measurement.measured_on,
        "weight_kg": measurement.weight_kg,
        "length_cm": measurement.length_cm,
        "position": measurement.position,
        "head_cm": measurement.head_cm,
        "oedema": measurement.oedema,
    }


def measurements_assess(
    measurements: Sequence[Measurement], *, today: datetime.date | None = None
) -> list[ItemError | None]:
    """Compute the age, z-scores, flags and classification of unsaved measurements in one engine call and
    set them on each; a measurement that cannot be computed keeps its fields and gets its error back."""
    errors: list[ItemError | None] = []
    for measurement, outcome in zip(
        measurements, assess([growth_item(m) for m in measurements], today=today), strict=True
    ):
        if isinstance(outcome, ItemError):
            errors.append(outcome)
            continue
        assert outcome.age_days is not None  # the dates are given
        measurement.age_days = outcome.age_days
        for name, z in outcome.scores.items():
            setattr(measurement, name, z)
        measurement.flags = outcome.flags
        measurement.classification = outcome.classification
        errors.append(None)
    return errors


def measurement_record(
    *,
    actor: User,
    child: Child,
    measured_on: datetime.date,
    weight_kg: Decimal | None = None,
    length_cm: Decimal | None = None,
    position: str = "",
    head_cm: Decimal | None = None,
    oedema: bool = False,
    now: datetime.datetime | None = None,
) -> Measurement:
    """Record a measurement with its z-scores, flags and classification; refer severe undernutrition."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    recorder = growth_recorder(actor, child, day=today)
    if recorder is None:
        raise NotPermitted
    position = position.lower()
    if length_cm is not None and not position:
        raise Refusal(_("Say whether the child was measured lying or standing."), "position_missing")
    measurement = Measurement(
        child=child,
        measured_on=measured_on,
        weight_kg=weight_kg,
        length_cm=length_cm,
        position=position,
        head_cm=head_cm,
        oedema=oedema,
        source=recorder.source,
        institution=recorder.institution,
        measured_by=actor,
        recorded_at=now,
    )
    measurement.clean_fields(
        exclude=["age_days"]
    )  # physically impossible values first (Measurement's ranges)
    (error,) = measurements_assess([measurement], today=today)
    if error is not None:
        raise Refusal(error.detail, error.code)
    with transaction.atomic():
        measurement.full_clean()
        measurement.save()
        if needs_referral(measurement.classification):
            growth_referral_open(measurement=measurement, referred_by=actor, on=today)
        if recorder.institution is not None:
            announce_change(recorder.institution.pk)
    return measurement


def referral_detail(measurement: Measurement) -> str:
    """What the measurement shows, e.g. "Severe underweight (weight-for-age z = -3.42), 2025-03-04"."""
    parts = []
    for finding in classification_findings(measurement.classification):
        if finding.status != "severe":
            continue
        score = CONDITIONS[finding.condition]
        z = getattr(measurement, score)
        if z is not None:
            parts.append(
                _("%(finding)s (%(indicator)s z = %(z).2f)")
                % {"finding": finding.label, "indicator": INDICATOR_NAMES[score], "z": z}
            )
        elif measurement.oedema:
            parts.append(_("%(finding)s (oedema)") % {"finding": finding.label})
        else:
            parts.append(finding.label)
    return _("%(findings)s, measured on %(date)s") % {
        "findings": "; ".join(parts),
        "date": measurement.measured_on.isoformat(),
    }


def growth_referral_open(
    *, measurement: Measurement, referred_by: User, on: datetime.date
) -> Referral | None:
    """Refer a child whose measurement shows severe undernutrition, once: while a growth referral of the
    child is open, a new severe measurement adds none. Tells the health workers and the guardians."""
    child = measurement.child
    if Referral.objects.filter(child=child, reason=ReferralReason.GROWTH, closed_at__isnull=True).exists():
        return None
    institution = measurement.institution
    referral = Referral(
        child=child,
        reason=ReferralReason.GROWTH,
        detail=referral_detail(measurement)[:300],
        referred_on=on,
        referred_to=_partner_hospital_name(institution),
        institution=institution,
        referred_by=referred_by,
        measurement=measurement,
    )
    referral.full_clean()
    referral.save()
    _tell_about_referral(measurement, institution)
    return referral


def _partner_hospital_name(institution: Institution | None) -> str:
    if institution is None or institution.partner_hospital is None:
        return ""
    return institution.partner_hospital.name[:100]


def _tell_about_referral(measurement: Measurement, institution: Institution | None) -> None:
    child = measurement.child
    recipients = {user.pk: user for user in guardians_of(child)}
    if institution is not None:
        for user in health_workers_of(institution.pk):
            recipients.setdefault(user.pk, user)
    params: dict[str, object] = {"child": child.name, "date": measurement.measured_on.isoformat()}
    link = reverse("health:growth", kwargs={"code": child.code})
    notify_all(
        recipients.values(),
        kind=NotificationKind.GROWTH_REFERRAL,
        title=gettext_lazy("%(child)s: severe undernutrition, referred to a doctor"),
        body=gettext_lazy(
            "The measurement of %(date)s shows severe undernutrition (below −3 SD of the WHO growth "
            "standards, or oedema). %(child)s is referred to a doctor: see the growth page."
        ),
        params=params,
        link=link,
    )
