"""Supervision in the demo district: two years of inspections, rectification orders at every stage (closed,
overdue and escalated to an interview, awaiting verification), an inspection in progress, three complaints
and next quarter's inspection plan drawn from a published seed.

History is written through the same services as today's work, each step at the moment it happened
(``as_of``), so that numbers, deadlines on the working-day calendar and timelines are what they would have
been.
"""

import datetime
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile

from tuoyu.accounts.models import User
from tuoyu.cases.models import Case
from tuoyu.cases.services import cases_escalate_overdue
from tuoyu.demo.district import DISTRICT
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import RECTIFICATION
from tuoyu.supervision.models import (
    Checklist,
    Complaint,
    ComplaintCategory,
    ComplaintOutcome,
    Inspection,
    InspectionKind,
    ItemResult,
)
from tuoyu.supervision.services.complaints import complaint_conclude, complaint_start, complaint_submit
from tuoyu.supervision.services.inspections import (
    inspection_add_photo,
    inspection_complete,
    inspection_record_item,
    inspection_sign,
    inspection_start,
)
from tuoyu.supervision.services.planning import plan_approve, plan_draw
from tuoyu.supervision.services.rectification import (
    rectification_answer,
    rectification_issue,
    rectification_verify,
)
from tuoyu.workdays import add_working_days, is_working_day
from tuoyu.workforce.models import Staff, StaffRole

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Inspections before the institution's data was in Tuoyu were checked against its paper records.
PAPER_RECORDS = "现场查阅纸质台账，符合要求。"
# Anyone can re-run the draw of next quarter's plan from this seed (and the inputs the plan page offers).
PLAN_SEED = "太白湖新区2027年第一季度双随机抽查·2026年12月1日公开种子·518203"

# Which item of the routine checklist failed where, and what the inspector wrote.
FAILED_BEFORE = {
    # (institution, year): (item number, what the inspector found)
    ("aibibao", 2025): ("R09", "3月第二周午餐留样记录缺失，部分留样不足100克。"),
    ("mall", 2025): ("R05", "两具灭火器已过有效期，一键式报警装置未接通。"),
    ("mall", 2026): ("R11", "托大班近两周户外活动记录不全，多日不足2小时。"),
}


@contextmanager
def as_of(moment: datetime.datetime) -> Iterator[None]:
    """Run the services as if it were ``moment`` (the demo writes its history this way)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def working_day_on_or_after(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    while count:
        day -= datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


def signature_png(seed: int) -> ContentFile:
    """A small drawn-looking signature: a wavy stroke on a white 240×80 image (PNG, written by hand)."""
    width, height = 240, 80
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            wave = 40 + int(18 * ((x * (3 + seed % 3)) % 60 - 30) / 30 * (1 if (x // 30) % 2 else -1))
            row += b"\x20\x20\x60" if 20 < x < 220 and abs(y - wave) <= 1 else b"\xff\xff\xff"
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return ContentFile(png, name="signature.png")


def seed_supervision(
    *, users: dict[str, User], institutions: dict[str, Institution], today: datetime.date
) -> None:
    routine = Checklist.objects.get(code="routine")
    quality = Checklist.objects.get(code="wst821")
    inspectors = [users["inspector"], users["inspector_2"], users["regulator"]]
    directors = {"aibibao": users["director"], "mall": users["other_director"]}
    for number, (key, institution) in enumerate(sorted(institutions.items())):
        for year, month in ((2025, 4 + number % 3), (2026, 4 + number % 3)):
            day = working_day_on_or_after(datetime.date(year, month, 8 + number))
            inspector = inspectors[(number + year) % 2]
            failed = FAILED_BEFORE.get((key, year))
            inspection = _inspect(institution, routine, inspector, day, failed=failed)
            if failed:
                _rectified(inspection, directors[key], inspector, day)
    for number, key in enumerate(("aibibao", "medical", "model_centre", "university")):
        day = working_day_on_or_after(datetime.date(2025, 11, 10 + 2 * number))
        _inspect(institutions[key], quality, inspectors[number % 2], day, kind=InspectionKind.QUALITY)
    # In the order they happened, so that the numbers of the orders follow it.
    _complaints(institutions, users, today)
    _overdue_order(institutions["mall"], users["regulator"], today)
    _order_awaiting_verification(institutions["aibibao"], users["regulator"], users["director"], today)
    _inspection_in_progress(institutions["community_nz"], users["inspector"], today)
    district = Region.objects.get(code=DISTRICT[0])
    _next_quarters_plan(district, users, today)


def _inspect(
    institution: Institution,
    checklist: Checklist,
    inspector: User,
    day: datetime.date,
    *,
    failed: tuple[str, str] | None = None,
    kind: str = InspectionKind.ROUTINE,
) -> Inspection:
    """A whole inspection on ``day``: every item confirmed as the data says (met where the data says
    nothing), one item failed where the demo's history says so, signed, completed."""
    with as_of(at(day, 9, 30)):
        inspection = inspection_start(
            institution=institution, checklist=checklist, actor=inspector, kind=kind
        )
        for item in inspection.items.select_related("item"):
            result, reason, note = ItemResult.PASS, "", ""
            if failed and item.item.number == failed[0]:
                result, note = ItemResult.FAIL, failed[1]
            if item.prefilled and item.prefilled != result:
                reason = note or PAPER_RECORDS
            inspection_record_item(
                item=item, actor=inspector, result=result, override_reason=reason, note=note
            )
        inspection_sign(
            inspection=inspection, actor=inspector, signer="inspector", signature=signature_png(1)
        )
        inspection_sign(
            inspection=inspection,
            actor=inspector,
            signer="director",
            signature=signature_png(2),
            director_name=director_name(institution),
        )
    with as_of(at(day, 11, 40)):
        return inspection_complete(inspection=inspection, actor=inspector)


def director_name(institution: Institution) -> str:
    director = Staff.objects.filter(institution=institution, role=StaffRole.DIRECTOR).order_by("pk").first()
    return director.name if director else "机构负责人"


def _rectified(inspection: Inspection, director: User, inspector: User, day: datetime.date) -> None:
    """The order of the inspection's failed item, answered a week later and verified on site."""
    for item in inspection.items.exclude(case=None).select_related("case"):
        assert item.case is not None
        answered = add_working_days(day, 4)
        with as_of(at(answered, 16)):
            rectification_answer(
                case=item.case,
                actor=director,
                note="已按要求整改完毕，补齐记录并组织全员学习相关制度。",
                evidence=[_photo("整改后现场照片.png")],
            )
        with as_of(at(add_working_days(answered, 2), 10)):
            rectification_verify(case=item.case, actor=inspector, note="现场复查，整改到位。", on_site=True)


def _photo(name: str) -> ContentFile:
    photo = signature_png(3)
    photo.name = name
    return photo


def _overdue_order(institution: Institution, regulator: User, today: datetime.date) -> None:
    """An order issued 17 working days ago with 10 days to rectify: 7 days overdue, escalated to an
    interview (约谈) by the nightly climb, each step on its day."""
    issued = working_days_before(today, 17)
    with as_of(at(issued, 15)):
        case = rectification_issue(
            institution=institution,
            subject="消防设施未按期检测",
            requirement="委托有资质的机构完成消防设施年度检测，并提交检测报告。",
            actor=regulator,
            deadline_days=10,
        )
    if case.deadline is None:  # the calendar of the deadline's year is not published: nothing to climb
        return
    day = case.deadline
    while day < today:
        day += datetime.timedelta(days=1)
        with as_of(at(day, 7)):
            cases_escalate_overdue(on=day)


def _order_awaiting_verification(
    institution: Institution, regulator: User, director: User, today: datetime.date
) -> None:
    issued = working_days_before(today, 8)
    with as_of(at(issued, 14)):
        case = rectification_issue(
            institution=institution,
            subject="户外活动场地围栏松动",
            requirement="加固户外活动场地围栏，消除儿童攀爬、夹伤隐患。",
            actor=regulator,
            deadline_days=10,
        )
    with as_of(at(working_days_before(today, 2), 17)):
        rectification_answer(
            case=case,
            actor=director,
            note="已更换松动立柱并加固全部围栏，附整改前后照片。",
            evidence=[_photo("围栏加固后.png")],
        )


def _inspection_in_progress(institution: Institution, inspector: User, today: datetime.date) -> None:
    """Started this morning on the inspector's phone: half the items answered, one photo."""
    with as_of(at(today, 9, 15)):
        inspection = inspection_start(
            institution=institution, checklist=Checklist.objects.get(code="routine"), actor=inspector
        )
        items = list(inspection.items.select_related("item"))
        for item in items[: len(items) // 2]:
            inspection_record_item(item=item, actor=inspector, result=item.prefilled or ItemResult.PASS)
        inspection_add_photo(item=items[0], actor=inspector, file=_photo("现场照片.png"))


def _complaints(institutions: dict[str, Institution], users: dict[str, User], today: datetime.date) -> None:
    regulator = users["regulator"]
    # 1. Anonymous, about fees, found unfounded.
    received = working_days_before(today, 40)
    with as_of(at(received, 21, 10)):
        unfounded = complaint_submit(
            institution_code=str(institutions["business"].code),
            category=ComplaintCategory.FEES,
            content="听说该园下学期要涨价，没有提前告知家长。",
            anonymous=True,
        )
    with as_of(at(add_working_days(received, 2), 9)):
        complaint_start(complaint=unfounded, actor=regulator, progress="已受理，正在核查收费情况。")
    with as_of(at(add_working_days(received, 6), 16)):
        complaint_conclude(
            complaint=unfounded,
            actor=regulator,
            outcome=ComplaintOutcome.UNFOUNDED,
            reasons="核查收费公示和服务协议：下学期收费标准未调整，已公示的价格与协议一致。",
            progress="经核查，反映的涨价情况不属实。",
        )
    # 2. Substantiated: its rectification order answered and verified.
    received = working_days_before(today, 30)
    with as_of(at(received, 20, 30)):
        substantiated = complaint_submit(
            institution_code=str(institutions["aibibao"].code),
            category=ComplaintCategory.SAFETY,
            content="接孩子时看到午睡室的窗户没有安装防护栏，窗边还放着椅子。",
            anonymous=False,
            name="钱女士",
            phone="13953719876",
        )
    with as_of(at(add_working_days(received, 1), 9)):
        complaint_start(complaint=substantiated, actor=regulator, progress="已受理，将到现场核查。")
    with as_of(at(add_working_days(received, 3), 15)):
        complaint_conclude(
            complaint=substantiated,
            actor=regulator,
            outcome=ComplaintOutcome.SUBSTANTIATED,
            reasons="现场核查：午睡室两扇窗户未安装防护栏，窗下放有椅子，存在坠落隐患。",
            progress="经核查，反映的问题属实，已责令机构整改。",
            rectification_subject="午睡室窗户未安装防护栏",
            rectification_requirement="午睡室全部窗户加装防护栏，移除窗边可攀爬物品。",
            rectification_days=5,
        )
    substantiated.refresh_from_db()
    order = rectification_order_of(substantiated)
    with as_of(at(add_working_days(received, 6), 17)):
        rectification_answer(
            case=order,
            actor=users["director"],
            note="午睡室窗户已全部加装防护栏，窗边椅子已移走。",
            evidence=[_photo("防护栏安装后.png")],
        )
    with as_of(at(add_working_days(received, 8), 10)):
        rectification_verify(case=order, actor=regulator, note="防护栏安装牢固。", on_site=True)
    # 3. Received two days ago, waiting to be started.
    with as_of(at(working_days_before(today, 2), 19, 45)):
        complaint_submit(
            institution_code=str(institutions["park"].code),
            category=ComplaintCategory.CARE,
            content="孩子连续几天回家说中午没有睡觉，老师也没有告诉我们原因。",
            anonymous=False,
            name="孙先生",
            phone="13953712468",
        )


def rectification_order_of(complaint: Complaint) -> Case:
    return Case.objects.get(kind=RECTIFICATION, source_key=f"complaint:{complaint.pk}")


def _next_quarters_plan(district: Region, users: dict[str, User], today: datetime.date) -> None:
    """Next quarter's plan (双随机), drawn from the published seed and approved (一公开)."""
    quarter = (today.month - 1) // 3
    start = datetime.date(today.year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
    end = datetime.date(start.year, start.month + 2, 1) + datetime.timedelta(days=31)
    end = end.replace(day=1) - datetime.timedelta(days=1)
    drawn_on = working_days_before(today, 4)
    with as_of(at(drawn_on, 10)):
        plan = plan_draw(
            region=district,
            period_start=start,
            period_end=end,
            seed=PLAN_SEED,
            rates=None,
            actor=users["regulator"],
        )
    with as_of(at(add_working_days(drawn_on, 1), 9)):
        plan_approve(plan=plan, actor=users["regulator"])
