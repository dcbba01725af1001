"""The printable health record (儿童健康档案): a child's growth with its z-scores and classification, the
examinations, the immunisation certificate checks, the development screenings and the referrals, printed in
Chinese with the institution and the date, through ``tuoyu.pdf`` (the one way to print a document).

Whoever may read the record may print it (``health_record_open`` answers outsiders 404 and logs the read).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from tuoyu.enrolment.models import Child
from tuoyu.health.development import SIGNS_BY_CODE
from tuoyu.health.growth.batch import classification_words
from tuoyu.health.models import DevelopmentScreening, HealthExam, ImmunisationCheck, Measurement, Referral
from tuoyu.health.selectors.records import record_placements
from tuoyu.pdf import pdf_bytes
from tuoyu.regions.choices import GrowthStandardCode

TEMPLATE = "health/records/record_pdf.html"
Z_SCORES = (
    ("zwei", "年龄别体重"),
    ("zlen", "年龄别身长/身高"),
    ("zwfl", "身长/身高别体重"),
    ("zhc", "年龄别头围"),
)


@dataclass(frozen=True)
class MeasurementLine:
    measurement: Measurement
    age_months: int
    z_scores: list[tuple[str, str]]  # (indicator, "-1.23" or "—")
    classification: str


# What the values are, by the standard they were evaluated against (printed under the table).
STANDARD_NOTES = {
    GrowthStandardCode.WHO_2006: "WHO 2006：Z评分依据世界卫生组织儿童生长标准（2006）计算。",
    GrowthStandardCode.WST_423_2022: "WS/T 423—2022：该标准只公布标准差曲线，数值按相邻两条曲线线性插值得出，"
    "括号内为等级（下、中下、中、中上、上）。",
}


def _z(value: float | None, band: str | None = None) -> str:
    if value is None:
        return "—"
    return f"{value:+.2f}（{band}）" if band else f"{value:+.2f}"


def _measurement_lines(child: Child) -> list[MeasurementLine]:
    rows = Measurement.objects.filter(child=child).order_by("measured_on", "pk")
    return [
        MeasurementLine(
            measurement=m,
            age_months=child.age_months(m.measured_on),
            z_scores=[
                (label, _z(getattr(m, field), (m.bands or {}).get(field))) for field, label in Z_SCORES
            ],
            classification=str(classification_words(m.classification or {})),
        )
        for m in rows
    ]


def standard_notes(lines: list[MeasurementLine]) -> list[str]:
    """What the values of the printed measurements are, once per standard they were evaluated against."""
    used = {line.measurement.standard for line in lines}
    return [note for code, note in STANDARD_NOTES.items() if code in used]


def _screenings(child: Child) -> list[tuple[DevelopmentScreening, list[str]]]:
    rows = DevelopmentScreening.objects.filter(child=child).order_by("screened_on", "pk")
    return [
        (s, [SIGNS_BY_CODE[code].label if code in SIGNS_BY_CODE else code for code in s.positive_signs])
        for s in rows
    ]


def health_record_context(
    actor: Any, child: Child, *, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """What the printed record shows (read in Chinese: call it inside ``translation.override``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    placements = record_placements(actor, child, day=today)
    measurements = _measurement_lines(child)
    return {
        "child": child,
        "age_months": child.age_months(today),
        "institutions": list(dict.fromkeys(p.institution.name for p in placements)),
        "placements": placements,
        "printed_on": today,
        "measurements": measurements,
        "standard_notes": standard_notes(measurements),
        "exams": list(HealthExam.objects.filter(child=child).order_by("examined_on", "pk")),
        "immunisation_checks": list(
            ImmunisationCheck.objects.filter(child=child)
            .select_related("institution")
            .order_by("checked_on", "pk")
        ),
        "screenings": _screenings(child),
        "referrals": list(Referral.objects.filter(child=child).order_by("referred_on", "pk")),
    }


def health_record_pdf_bytes(actor: Any, child: Child, *, now: datetime.datetime | None = None) -> bytes:
    with translation.override("zh-hans"):
        context = health_record_context(actor, child, now=now)
    return pdf_bytes(TEMPLATE, context)


def health_record_pdf_filename(child: Child, *, now: datetime.datetime | None = None) -> str:
    return f"health-record-{child.code}-{timezone.localdate(now or timezone.now()).isoformat()}.pdf"
