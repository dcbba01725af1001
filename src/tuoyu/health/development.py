"""The development warning signs (儿童心理行为发育预警征象) checked at 3, 6, 8, 12, 18, 24, 30 and 36 months.

Source: 《儿童心理保健技术规范》（卫办妇社发〔2013〕26号，2013-04-09）, its annex 儿童心理行为发育问题预警征象
筛查表 (national rules §10.5, XL13). The national table continues at 4, 5 and 6 years; children in care are
under 3, so the table below stops at 36 months. The texts are the national wording, in Chinese as
published; each sign has a stable code (``m<months>_<what>``) that screenings store, and an English gloss
for the English pages. Any one positive sign is referred (§10.5, §16.8).

Which checkpoint a screening belongs to: the latest one the child has reached on the day of the screening
(age in completed months). During the first month after reaching a checkpoint the one before it may still
be recorded (a screening that slipped by a few days); a checkpoint the child has not reached is refused.
"""

import datetime
from typing import NamedTuple

from django.utils.translation import get_language

from tuoyu.enrolment.models import completed_months

SOURCE = "《儿童心理保健技术规范》（卫办妇社发〔2013〕26号）附件：儿童心理行为发育问题预警征象筛查表"
SOURCE_EN = (
    "Technical specification for children's mental health care (National Health and Family Planning "
    "Commission, 卫办妇社发〔2013〕26号), annex: screening table of warning signs"
)
CHECKPOINTS: tuple[int, ...] = (3, 6, 8, 12, 18, 24, 30, 36)
LATE_GRACE_MONTHS = 1
"""For this many months after reaching a checkpoint, the previous checkpoint may still be recorded."""
LAST_CHECKPOINT_UNTIL_MONTHS = 48
"""The 36-month checklist applies until the national table's next checkpoint (4 years)."""


class WarningSign(NamedTuple):
    code: str
    months: int
    text: str  # the national wording
    gloss: str  # an English gloss for the English pages

    @property
    def label(self) -> str:
        """The national wording, with the English gloss on English pages."""
        if (get_language() or "").startswith("en"):
            return f"{self.text} ({self.gloss})"
        return self.text


WARNING_SIGNS: tuple[WarningSign, ...] = (
    WarningSign("m3_sound", 3, "对很大声音没有反应", "no reaction to a very loud sound"),
    WarningSign("m3_smile", 3, "逗引时不发音或不会微笑", "no sound or smile when played with"),
    WarningSign(
        "m3_gaze", 3, "不注视人脸，不追视移动人或物品", "does not look at faces or follow moving things"
    ),
    WarningSign("m3_head", 3, "俯卧时不会抬头", "cannot lift the head lying on the tummy"),
    WarningSign("m6_voice", 6, "发音少，不会笑出声", "few sounds, does not laugh aloud"),
    WarningSign("m6_reach", 6, "不会伸手抓物", "does not reach for things"),
    WarningSign("m6_fist", 6, "紧握拳松不开", "fists clenched and cannot open"),
    WarningSign("m6_sit", 6, "不能扶坐", "cannot sit with support"),
    WarningSign("m8_respond", 8, "听到声音无应答", "no response to sounds"),
    WarningSign("m8_strangers", 8, "不会区分生人和熟人", "does not tell strangers from familiar people"),
    WarningSign("m8_transfer", 8, "双手间不会传递玩具", "cannot pass a toy from hand to hand"),
    WarningSign("m8_sit", 8, "不会独坐", "cannot sit alone"),
    WarningSign("m12_name", 12, "呼唤名字无反应", "no response to own name"),
    WarningSign("m12_wave", 12, "不会模仿“再见”或“欢迎”动作", "does not imitate waving bye-bye or clapping"),
    WarningSign(
        "m12_pinch", 12, "不会用拇食指对捏小物品", "cannot pick up small things with thumb and finger"
    ),
    WarningSign("m12_stand", 12, "不会扶物站立", "cannot stand holding on"),
    WarningSign("m18_mama", 18, "不会有意识叫“爸爸”或“妈妈”", "does not say “papa” or “mama” meaningfully"),
    WarningSign("m18_point", 18, "不会按要求指人或物", "does not point to people or things when asked"),
    WarningSign("m18_eye", 18, "与人无目光交流", "no eye contact with people"),
    WarningSign("m18_walk", 18, "不会独走", "cannot walk alone"),
    WarningSign("m24_words", 24, "不会说3个物品的名称", "cannot name 3 things"),
    WarningSign("m24_instructions", 24, "不会按吩咐做简单事情", "does not follow simple instructions"),
    WarningSign("m24_spoon", 24, "不会用勺吃饭", "cannot eat with a spoon"),
    WarningSign("m24_stairs", 24, "不会扶栏上楼梯/台阶", "cannot climb stairs holding the rail"),
    WarningSign("m30_phrases", 30, "不会说2~3个字的短语", "does not say 2–3 word phrases"),
    WarningSign("m30_interests", 30, "兴趣单一、刻板", "narrow, rigid interests"),
    WarningSign("m30_toilet", 30, "不会示意大小便", "does not signal the need for the toilet"),
    WarningSign("m30_run", 30, "不会跑", "cannot run"),
    WarningSign("m36_name", 36, "不会说自己的名字", "cannot say own name"),
    WarningSign(
        "m36_pretend", 36, "不会玩“拿棍当马骑”等假想游戏", "no pretend play (riding a stick as a horse)"
    ),
    WarningSign("m36_circle", 36, "不会模仿画圆", "cannot copy a circle"),
    WarningSign("m36_jump", 36, "不会双脚跳", "cannot jump with both feet"),
)
SIGNS_BY_CODE: dict[str, WarningSign] = {sign.code: sign for sign in WARNING_SIGNS}


def signs_at(checkpoint: int) -> list[WarningSign]:
    """The four signs of one checkpoint, in the order of the national table."""
    return [sign for sign in WARNING_SIGNS if sign.months == checkpoint]


def checkpoints_open_at(age_months: int) -> list[int]:
    """The checkpoints a screening may be recorded for at this age (completed months): the latest reached,
    and during the first month after it the one before; none before 3 months or from 4 years."""
    if age_months >= LAST_CHECKPOINT_UNTIL_MONTHS:
        return []
    reached = [checkpoint for checkpoint in CHECKPOINTS if checkpoint <= age_months]
    if not reached:
        return []
    latest = reached[-1]
    if len(reached) > 1 and age_months < latest + LATE_GRACE_MONTHS:
        return [reached[-2], latest]
    return [latest]


def checkpoints_for(birth_date: datetime.date, on: datetime.date) -> list[int]:
    """The checkpoints open on ``on`` for a child born on ``birth_date``."""
    return checkpoints_open_at(completed_months(birth_date, on))
