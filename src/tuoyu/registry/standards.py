"""National standards on class types, sizes and ratios, in one place with their sources.

托育机构设置标准（试行） (国卫人口发〔2019〕58号, annex 1), art. 19 (class types and sizes) and art. 20
(caregiver ratios); see docs/national-rules.md §4. The age range defines a band; its largest class and its
ratio are dated policy values (``class_cap.<band>``, ``ratio.<band>``), read for the day in question.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.policies.values import policy

SETTING_STANDARD = _("Childcare Institution Setting Standard (Trial), art. 19")


_BAND_PARTS = re.compile(r"^(?P<kind>.+?)\s*(?P<open>[（(])(?P<range>.+)[）)]$")


def class_label(name: str, band_label: str) -> str:
    """A class as an official writes it: its name with its band's age range, the band named once.

    Of band ``托小班（12—24个月）``: ``托小班`` is ``托小班（12—24个月）``, ``托小班一班`` is
    ``托小班一班（12—24个月）``, ``星星班`` is ``星星班（托小班，12—24个月）``; never
    ``托小班（托小班（12—24个月））``. The brackets are the band label's own (full-width in Chinese).
    """
    parts = _BAND_PARTS.match(band_label)
    if parts is None:
        return f"{name}（{band_label}）" if band_label else name
    full_width = parts["open"] == "（"
    opening, closing, comma = ("（", "）", "，") if full_width else (" (", ")", ", ")
    if parts["kind"] in name:
        return f"{name}{opening}{parts['range']}{closing}"
    return f"{name}{opening}{parts['kind']}{comma}{parts['range']}{closing}"


class AgeBand(models.TextChoices):
    INFANT = "infant", _("Infant class (6-12 months)")
    TODDLER = "toddler", _("Younger toddler class (12-24 months)")
    PRESCHOOL = "preschool", _("Older toddler class (24-36 months)")
    MIXED = "mixed", _("Mixed-age class (18-36 months)")


@dataclass(frozen=True)
class BandStandard:
    min_months: int
    max_months: int
    source: Promise


BAND_STANDARDS: dict[str, BandStandard] = {
    AgeBand.INFANT: BandStandard(6, 12, SETTING_STANDARD),
    AgeBand.TODDLER: BandStandard(12, 24, SETTING_STANDARD),
    AgeBand.PRESCHOOL: BandStandard(24, 36, SETTING_STANDARD),
    AgeBand.MIXED: BandStandard(18, 36, SETTING_STANDARD),
}


def class_cap(band: str, *, on: datetime.date) -> int:
    """The largest class of the band allowed on ``on`` (art. 19)."""
    return policy(f"class_cap.{band}", on=on)


def children_per_caregiver(band: str, *, on: datetime.date) -> int:
    """Children per caregiver in the band on ``on`` (art. 20; a mixed-age class as strict as 托小班, §4.7)."""
    return policy(f"ratio.{band}", on=on)
