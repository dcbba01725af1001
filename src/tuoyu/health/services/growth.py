"""Recording growth measurements: inputs, age, z-scores, flags and classification stored together, against
the growth standard of the region (WS/T 423—2022 unless the region says WHO 2006).

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

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.health.growth.batch import ItemError, ItemResult, assess, classification_findings, item_of
from tuoyu.health.growth.classification import CONDITIONS, needs_referral
from tuoyu.health.growth.standards import GrowthStandard, standard_of
from tuoyu.health.growth.zscores import SCORES
from tuoyu.health.models import Measurement, Referral, ReferralReason
from tuoyu.health.selectors.growth import growth_recorder, growth_standard_at
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.choices import GrowthStandardCode
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import growth_standards_below
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import health_workers_of
from tuoyu.registry.signals import announce_change

INDICATOR_NAMES = {
    "zwei": gettext_lazy("weight-for-age"),
    "zlen": gettext_lazy("length/height-for-age"),
    "zwfl": gettext_lazy("weight-for-length/height"),
}


def measurements_assess(
    measurements: Sequence[Measurement],
    *,
    today: datetime.date | None = None,
    standard: GrowthStandard | None = None,
) -> list[ItemError | None]:
    """Compute the age, z-scores, bands, flags and classification of measurements against the growth
    standard of each one's institution's region (or ``standard``), one engine call per standard, and set
    them on each; a measurement that cannot be computed keeps its fields and gets its error back."""
    standards = [standard or growth_standard_at(m.institution) for m in measurements]
    errors: list[ItemError | None] = [None] * len(measurements)
    for code in dict.fromkeys(each.code for each in standards):
        picked = [i for i, each in enumerate(standards) if each.code == code]
        outcomes = assess(
            [item_of(measurements[i]) for i in picked], today=today, standard=standards[picked[0]]
        )
        for i, outcome in zip(picked, outcomes, strict=True):
            if isinstance(outcome, ItemError):
                errors[i] = outcome
            else:
                _assessed(measurements[i], outcome)
    return errors


def _assessed(measurement: Measurement, outcome: ItemResult) -> None:
    assert outcome.age_days is not None  # the dates are given
    measurement.age_days = outcome.age_days
    for name, z in outcome.scores.items():
        setattr(measurement, name, z)
    measurement.standard = outcome.standard
    measurement.bands = outcome.bands or {}
    measurement.flags = outcome.flags
    measurement.classification = outcome.classification


def measurements_reassess(*, region: Region) -> int:
    """Evaluate again, against the standard now in force, the measurements taken at institutions in the
    region (and below) that were evaluated against another: after a region changes its growth standard, and
    after an upgrade, so that classification and the health rules read the region's standard. Idempotent:
    only measurements on another standard are read. No referral is opened or closed (referring is decided
    when a measurement is recorded). Returns how many were evaluated again."""
    evaluated = 0
    for code, region_ids in growth_standards_below(region).items():
        stale = list(
            Measurement.objects.filter(institution__street_id__in=region_ids)
            .exclude(standard=code)
            .select_related("child")
        )
        if not stale:
            continue
        # Recorded dates are in the past: judge them as of the latest, so that none counts as in the future.
        errors = measurements_assess(
            stale, today=max(m.measured_on for m in stale), standard=standard_of(code)
        )
        assessed = [m for m, error in zip(stale, errors, strict=True) if error is None]
        fields = ["age_days", *SCORES, "standard", "bands", "flags", "classification"]
        Measurement.objects.bulk_update(assessed, fields, batch_size=500)
        for institution_id in {m.institution_id for m in assessed if m.institution_id is not None}:
            announce_change(institution_id)
        evaluated += len(assessed)
    return evaluated


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
    """What the measurement shows, e.g. "Severe underweight (weight-for-age z = -3.42), 2025-03-04", or under
    WS/T 423—2022 "Severe underweight (weight-for-age −3.42 SD, interpolated on WS/T 423—2022), …"."""
    interpolated = measurement.standard == GrowthStandardCode.WST_423_2022
    parts = []
    for finding in classification_findings(measurement.classification):
        if finding.status != "severe":
            continue
        score = CONDITIONS[finding.condition]
        z = getattr(measurement, score)
        if z is not None:
            values = {"finding": finding.label, "indicator": INDICATOR_NAMES[score], "z": z}
            if interpolated:
                parts.append(
                    _("%(finding)s (%(indicator)s %(z).2f SD, interpolated on WS/T 423—2022)") % values
                )
            else:
                parts.append(_("%(finding)s (%(indicator)s z = %(z).2f)") % values)
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
    params: dict[str, object] = {
        "child": child.name,
        "date": measurement.measured_on.isoformat(),
        "standard": standard_of(measurement.standard).short_name,
    }
    link = reverse("health:growth", kwargs={"code": child.code})
    notify_all(
        recipients.values(),
        kind=NotificationKind.GROWTH_REFERRAL,
        title=gettext_lazy("%(child)s: severe undernutrition, referred to a doctor"),
        body=gettext_lazy(
            "The measurement of %(date)s shows severe undernutrition (below −3 SD of %(standard)s, or "
            "oedema). %(child)s is referred to a doctor: see the growth page."
        ),
        params=params,
        link=link,
    )
