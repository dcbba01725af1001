"""National standards on class types, sizes and ratios, in one place with their sources.

托育机构设置标准（试行） (国卫人口发〔2019〕58号, annex 1), art. 19 (class types and sizes) and art. 20
(caregiver ratios); see docs/national-rules.md §4.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SETTING_STANDARD = _("Childcare Institution Setting Standard (Trial), art. 19")


class AgeBand(models.TextChoices):
    INFANT = "infant", _("Infant class (6-12 months)")
    TODDLER = "toddler", _("Younger toddler class (12-24 months)")
    PRESCHOOL = "preschool", _("Older toddler class (24-36 months)")
    MIXED = "mixed", _("Mixed-age class (18-36 months)")


@dataclass(frozen=True)
class BandStandard:
    min_months: int
    max_months: int
    max_children: int
    children_per_caregiver: int  # mixed classes: no national ratio; 5 is the strict default (§4.7)
    source: Promise


BAND_STANDARDS: dict[str, BandStandard] = {
    AgeBand.INFANT: BandStandard(6, 12, 10, 3, SETTING_STANDARD),
    AgeBand.TODDLER: BandStandard(12, 24, 15, 5, SETTING_STANDARD),
    AgeBand.PRESCHOOL: BandStandard(24, 36, 20, 7, SETTING_STANDARD),
    AgeBand.MIXED: BandStandard(18, 36, 18, 5, SETTING_STANDARD),
}


def band_cap(band: str) -> int:
    return BAND_STANDARDS[band].max_children
