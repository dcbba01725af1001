"""Nutritional status from z-scores (儿童营养性疾病管理技术规范, national rules §10.9), and WS/T 423—2022's
five bands and nutrition categories.

Under WHO the z-score is judged rounded to 2 decimals, as WHO's software does; under WS/T the value is
judged as it is, so that a measurement is placed against the standard's lines themselves (a value exactly on
−2SD is not below it). A z-score flagged as implausible classifies nothing: the measurement is to be
checked, not counted.

The bands (WS/T 423—2022 等级评价): 下 below −2SD, 中下 from −2SD to below −1SD, 中 from −1SD to +1SD, 中上
above +1SD to +2SD, 上 above +2SD. The nutrition categories are the classification in the standard's words:
低体重 (weight-for-age), 生长迟缓 (length/height-for-age) and 消瘦 (weight-for-length/height) below −2SD;
超重 above +2SD and 肥胖 above +3SD of weight-for-length/height.
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


def _usable(z: float | None, implausible: bool, *, rounded: bool) -> float | None:
    if z is None or implausible or math.isnan(z):
        return None
    return round(z, 2) if rounded else z


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
    scores: dict[str, float | None],
    implausible: dict[str, bool],
    *,
    oedema: bool = False,
    rounded: bool = True,
) -> dict[str, str | None]:
    """``{"underweight", "stunting", "wasting", "overweight"}`` → status, or None when not computable.

    ``rounded``: judge the z-score rounded to 2 decimals (WHO) rather than as it is (WS/T). Oedema is severe
    acute malnutrition: wasting is "severe" whatever the weight (WHO).
    """
    result: dict[str, str | None] = {}
    for condition, score in CONDITIONS.items():
        z = _usable(scores.get(score), implausible.get(score, False), rounded=rounded)
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


# WS/T 423—2022: the five bands and the nutrition categories --------------------------------------------


class Band(StrEnum):
    LOW = "下"
    LOWER_MIDDLE = "中下"
    MIDDLE = "中"
    UPPER_MIDDLE = "中上"
    HIGH = "上"


def band(z: float | None) -> Band | None:
    """The band of a value placed between the SD lines (None when there is none)."""
    if z is None or math.isnan(z):
        return None
    if z < -2:
        return Band.LOW
    if z < -1:
        return Band.LOWER_MIDDLE
    if z <= 1:
        return Band.MIDDLE
    if z <= 2:
        return Band.UPPER_MIDDLE
    return Band.HIGH


def bands(scores: dict[str, float | None], implausible: dict[str, bool]) -> dict[str, str | None]:
    """The band of each value (its key as in ``scores``); None where not computable or implausible."""
    return {name: None if implausible.get(name, False) else band(z) for name, z in scores.items()}


NUTRITION_CATEGORIES: dict[tuple[str, str], str] = {
    ("underweight", Status.MODERATE): "低体重",
    ("underweight", Status.SEVERE): "低体重",
    ("stunting", Status.MODERATE): "生长迟缓",
    ("stunting", Status.SEVERE): "生长迟缓",
    ("wasting", Status.MODERATE): "消瘦",
    ("wasting", Status.SEVERE): "消瘦",
    ("overweight", Status.OVERWEIGHT): "超重",
    ("overweight", Status.OBESITY): "肥胖",
}


def nutrition(classification: dict[str, str | None]) -> list[str]:
    """The WS/T nutrition categories that apply, in the order of ``CONDITIONS`` (低体重, 生长迟缓, 消瘦, 超重
    or 肥胖)."""
    found = []
    for condition in CONDITIONS:
        status = classification.get(condition)
        if status is not None and (condition, status) in NUTRITION_CATEGORIES:
            found.append(NUTRITION_CATEGORIES[condition, str(status)])
    return found
