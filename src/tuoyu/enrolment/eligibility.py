"""Which class a child's age fits (托育机构设置标准（试行）第十九条; national rules §4, §16.2).

Bands are half-open in completed months: 乳儿 [6, 12), 托小 [12, 24), 托大 [24, 36), 混龄 [18, 36), with
a grace of ``settings.AGE_GRACE_DAYS`` (30) around the band's edges. Under 6 months and from 36 months
there is no class at all, grace or not; nor is there grace below 18 months for a mixed-age class (a younger
child there is a violation, not a warning: §4.4, §16.2).
"""

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tuoyu.refusals import Refusal
from tuoyu.registry.standards import BAND_STANDARDS, AgeBand
from tuoyu.workdays import months_later

YOUNGEST_MONTHS = 6
OLDEST_MONTHS = 36


def age_refusal(birth_date: datetime.date, band: str, on: datetime.date) -> Refusal | None:
    """Why a child born on ``birth_date`` cannot be in a ``band`` class on ``on``; None when they can."""
    if on < months_later(birth_date, YOUNGEST_MONTHS):
        return Refusal(
            _("The child will be under 6 months old on %(day)s: no class type is set for them.")
            % {"day": on.isoformat()},
            "age_under_6_months",
        )
    if on >= months_later(birth_date, OLDEST_MONTHS):
        return Refusal(
            _("The child will be 36 months or older on %(day)s: childcare ends at 3 (kindergarten age).")
            % {"day": on.isoformat()},
            "age_over_36_months",
        )
    standard = BAND_STANDARDS[band]
    if band == AgeBand.MIXED and on < months_later(birth_date, standard.min_months):
        # No grace here: a child under 18 months in a mixed-age class is a violation (§4.4, §16.2, ENR-03).
        return Refusal(
            _("The child will be under 18 months old on %(day)s: a mixed-age class takes 18 months and over.")
            % {"day": on.isoformat()},
            "age_outside_band",
        )
    grace = datetime.timedelta(days=settings.AGE_GRACE_DAYS)
    earliest = months_later(birth_date, standard.min_months) - grace
    latest = months_later(birth_date, standard.max_months) + grace
    if not earliest <= on < latest:
        return Refusal(
            _(
                "The child's age on %(day)s does not fit a %(band)s (%(low)d to %(high)d months, with "
                "%(grace)d days' grace)."
            )
            % {
                "day": on.isoformat(),
                "band": AgeBand(band).label,
                "low": standard.min_months,
                "high": standard.max_months,
                "grace": settings.AGE_GRACE_DAYS,
            },
            "age_outside_band",
        )
    return None


def eligible_bands(age_months: int) -> list[str]:
    """The bands whose age range holds a child of ``age_months`` completed months (no grace)."""
    return [
        band
        for band, standard in BAND_STANDARDS.items()
        if standard.min_months <= age_months < standard.max_months
    ]
