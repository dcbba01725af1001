"""Nutritional status from z-scores (WHO cut-offs; 儿童营养性疾病管理技术规范, national rules §10.9).

Judged on the z-score rounded to 2 decimals, as WHO's software does. A z-score flagged as implausible
classifies nothing: the measurement is to be checked, not counted.
"""

import math
from enum import StrEnum

MODERATE_BELOW = -2.0
SEVERE_BELOW = -3.0
OVERWEIGHT_ABOVE = 2.0
OBESITY_ABOVE = 3.0


class Status(StrEnum):
    NORMAL = "normal"
    MODERATE = "moderate"
    SEVERE = "severe"
    OVERWEIGHT = "overweight"
    OBESITY = "obesity"


# Which z-score each condition is judged on.
CONDITIONS = {
    "underweight": "zwei",
    "stunting": "zlen",
    "wasting": "zwfl",
    "overweight": "zwfl",
}


def _usable(z: float | None, implausible: bool) -> float | None:
    if z is None or implausible or math.isnan(z):
        return None
    return round(z, 2)


def deficit(z: float | None) -> Status:
    if z is None:
        raise ValueError("no z-score")
    if z < SEVERE_BELOW:
        return Status.SEVERE
    if z < MODERATE_BELOW:
        return Status.MODERATE
    return Status.NORMAL


def excess(z: float) -> Status:
    if z > OBESITY_ABOVE:
        return Status.OBESITY
    if z > OVERWEIGHT_ABOVE:
        return Status.OVERWEIGHT
    return Status.NORMAL


def classify(
    scores: dict[str, float | None], implausible: dict[str, bool], *, oedema: bool = False
) -> dict[str, str | None]:
    """``{"underweight", "stunting", "wasting", "overweight"}`` → status, or None when not computable.

    Oedema is severe acute malnutrition: wasting is "severe" whatever the weight (WHO).
    """
    result: dict[str, str | None] = {}
    for condition, score in CONDITIONS.items():
        z = _usable(scores.get(score), implausible.get(score, False))
        if condition == "wasting" and oedema:
            result[condition] = Status.SEVERE
        elif z is None:
            result[condition] = None
        elif condition == "overweight":
            result[condition] = excess(z)
        else:
            result[condition] = deficit(z)
    return result


def needs_referral(classification: dict[str, str | None]) -> bool:
    """Severe undernutrition is referred at once (§10.10)."""
    return any(
        classification.get(condition) == Status.SEVERE for condition in ("underweight", "stunting", "wasting")
    )
