"""On-site inspections: the checklists as data, starting with prefilled items, answers and overrides, photos,
signatures, and completion (score, grade, veto, rectification orders, the director told)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.accounts.models import User
from tuoyu.cases.models import Case
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import (
    FOUND_ON_SITE,
    Checklist,
    ChecklistItem,
    Finding,
    Inspection,
    InspectionItem,
    InspectionStatus,
    ItemResult,
)
from tuoyu.supervision.services.findings import findings_refresh
from tuoyu.supervision.services.inspections import (
    MAX_PHOTOS_PER_ITEM,
    grade_for,
    inspection_add_photo,
    inspection_complete,
    inspection_record_item,
    inspection_sign,
)
from tuoyu.supervision.services.rectification import rectification_answer, rectification_verify
from tuoyu.supervision.tests.inspection_helpers import (
    answer_all,
    data_url,
    png_upload,
    routine,
    sign_both,
    started,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-01T10:00:00+08:00")]


def item_numbered(inspection: Inspection, number: str) -> InspectionItem:
    return InspectionItem.objects.select_related("item").get(inspection=inspection, item__number=number)


# The checklists ------------------------------------------------------------------------------------------


def test_the_quality_assessment_has_its_seven_dimensions_weighted_to_1000_points_and_16_basic_items() -> None:
    checklist = Checklist.objects.get(code="wst821")
    weights: dict[str, int] = {}
    for item in checklist.items.exclude(dimension="基本项"):
        weights[item.dimension] = weights.get(item.dimension, 0) + item.weight
    assert weights == {
        "办托条件": 100,
        "托育队伍": 140,
        "保育照护": 200,
        "卫生保健": 210,
        "养育支持": 80,
        "安全保障": 200,
        "机构管理": 70,
    }
    assert checklist.max_score == 1000
    assert checklist.items.filter(veto=True).count() == 16
    # The basic items not verified are the district's to word; the verified ones say what they check.
    assert checklist.items.filter(veto=True, configurable=False).count() == 5
    assert checklist.grade_cutoffs == {"A": 900, "B": 750, "C": 600}


def test_the_routine_checklist_carries_the_fire_safety_and_video_rules_with_their_sources() -> None:
    items = {item.number: item for item in routine().items.all()}
    assert "四层及以上" in items["R02"].text and items["R02"].veto
    assert "电动自行车" in items["R03"].text and "消防安全指南" in items["R03"].source
    assert "90日" in items["R04"].text and items["R04"].source.endswith("第三十二条")
    assert routine().max_score == sum(item.weight for item in items.values()) == 100


def test_every_prefill_key_of_the_checklists_is_known() -> None:
    from tuoyu.supervision.prefill import PREFILLS

    keys = set(ChecklistItem.objects.exclude(prefill="").values_list("prefill", flat=True))
    assert keys <= set(PREFILLS)
    assert {"ratio_30d", "certificates", "morning_checks", "food_samples", "menus", "outdoor"} <= keys


# Starting -------------------------------------------------------------------------------------------------


def test_starting_numbers_the_inspection_and_prefills_every_item(
    institution_x: Institution, regulator_a: User
) -> None:
    inspection = started(institution_x, regulator_a)
    assert inspection.number == "检查〔2026〕1号"
    assert started(institution_x, regulator_a).number == "检查〔2026〕2号"
    assert inspection.items.count() == routine().items.count()
    filing = item_numbered(inspection, "R01")
    assert filing.prefilled == ItemResult.PASS and "已备案" in filing.evidence
    judged_on_site = item_numbered(inspection, "R03")
    assert judged_on_site.prefilled == "" and judged_on_site.evidence == ""
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_a_regulator_of_another_district_cannot_start_one(
    institution_x: Institution, regulator_b: User
) -> None:
    with pytest.raises(NotPermitted):
        started(institution_x, regulator_b)


# Answers ----------------------------------------------------------------------------------------------------


def test_an_answer_that_differs_from_the_data_needs_a_reason(
    institution_x: Institution, regulator_a: User
) -> None:
    inspection = started(institution_x, regulator_a)
    filing = item_numbered(inspection, "R01")  # the data says: met
    with pytest.raises(Refusal) as refused:
        inspection_record_item(item=filing, actor=regulator_a, result=ItemResult.FAIL, override_reason=" ")
    assert refused.value.code == "override_reason_required"
    inspection_record_item(
        item=filing, actor=regulator_a, result=ItemResult.FAIL, override_reason="回执与现场名称不一致"
    )
    filing.refresh_from_db()
    assert (filing.result, filing.override_reason) == (ItemResult.FAIL, "回执与现场名称不一致")
    # Confirming the data keeps no reason; an item without data takes any answer without one.
    inspection_record_item(item=filing, actor=regulator_a, result=ItemResult.PASS, override_reason="x")
    filing.refresh_from_db()
    assert (filing.result, filing.override_reason) == (ItemResult.PASS, "")
    inspection_record_item(item=item_numbered(inspection, "R03"), actor=regulator_a, result=ItemResult.FAIL)


def test_an_unknown_result_is_refused(institution_x: Institution, regulator_a: User) -> None:
    inspection = started(institution_x, regulator_a)
    with pytest.raises(Refusal) as refused:
        inspection_record_item(item=item_numbered(inspection, "R03"), actor=regulator_a, result="maybe")
    assert refused.value.code == "item_result_unknown"


def test_photos_are_images_and_at_most_three_per_item(institution_x: Institution, regulator_a: User) -> None:
    inspection = started(institution_x, regulator_a)
    item = item_numbered(inspection, "R03")
    for _n in range(MAX_PHOTOS_PER_ITEM):
        inspection_add_photo(item=item, actor=regulator_a, file=png_upload())
    with pytest.raises(Refusal) as refused:
        inspection_add_photo(item=item, actor=regulator_a, file=png_upload())
    assert refused.value.code == "too_many_photos"
    with pytest.raises(ValidationError):
        inspection_add_photo(
            item=item_numbered(inspection, "R04"),
            actor=regulator_a,
            file=SimpleUploadedFile("x.png", b"%PDF-1.4 not an image"),
        )
    assert item.photos.count() == MAX_PHOTOS_PER_ITEM


def test_a_signature_is_a_png_drawn_on_the_screen(institution_x: Institution, regulator_a: User) -> None:
    inspection = started(institution_x, regulator_a)
    with pytest.raises(Refusal) as refused:
        inspection_sign(inspection=inspection, actor=regulator_a, signer="inspector", signature="<svg>")
    assert refused.value.code == "signature_invalid"
    with pytest.raises(Refusal) as refused:
        inspection_sign(inspection=inspection, actor=regulator_a, signer="director", signature=data_url())
    assert refused.value.code == "director_name_required"
    sign_both(inspection, regulator_a)
    inspection.refresh_from_db()
    assert str(inspection.inspector_signature.name).endswith(".png")
    assert inspection.director_name == "李园长"


# Completion ---------------------------------------------------------------------------------------------


def test_completing_is_refused_with_items_unanswered_or_signatures_missing(
    institution_x: Institution, regulator_a: User
) -> None:
    inspection = started(institution_x, regulator_a)
    with pytest.raises(Refusal) as refused:
        inspection_complete(inspection=inspection, actor=regulator_a)
    assert refused.value.code == "items_unanswered"
    answer_all(inspection, regulator_a)
    with pytest.raises(Refusal) as refused:
        inspection_complete(inspection=inspection, actor=regulator_a)
    assert refused.value.code == "signatures_missing"
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_completing_scores_grades_and_issues_an_order_per_failed_item(
    institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    inspection = started(institution_x, regulator_a)
    answer_all(inspection, regulator_a)
    outdoor = item_numbered(inspection, "R11")  # 5 points
    inspection_record_item(
        item=outdoor, actor=regulator_a, result=ItemResult.FAIL, override_reason="现场核实"
    )
    menus = item_numbered(inspection, "R10")  # 5 points, not applicable: scaled out
    inspection_record_item(
        item=menus, actor=regulator_a, result=ItemResult.NOT_APPLICABLE, override_reason="不供餐"
    )
    sign_both(inspection, regulator_a)
    inspection = inspection_complete(inspection=inspection, actor=regulator_a, remarks="整体良好")
    assert inspection.status == InspectionStatus.COMPLETED and inspection.ended_at is not None
    assert inspection.score == round(90 * 100 / 95)  # 95 points applicable, 90 met
    assert (inspection.grade, inspection.vetoed) == ("A", False)
    outdoor.refresh_from_db()
    assert outdoor.points == 0 and outdoor.case is not None
    finding = Finding.objects.get(rule_code=FOUND_ON_SITE, subject_key=f"inspection-item:{outdoor.pk}")
    assert finding.is_open and finding.summary == outdoor.item.text
    case = Case.objects.get(source_key=f"finding:{finding.pk}")
    assert case == outdoor.case and case.kind == "rectification" and case.subject.startswith("R11 ")
    assert Case.objects.filter(kind="rectification").count() == 1
    menus.refresh_from_db()
    assert menus.points is None
    told = Notification.objects.get(user=director_x, kind=NotificationKind.INSPECTION_COMPLETED)
    assert inspection.number in told.title
    with pytest.raises(Refusal) as refused:
        inspection_record_item(item=outdoor, actor=regulator_a, result=ItemResult.PASS)
    assert refused.value.code == "inspection_completed"


def test_a_failed_basic_item_vetoes_the_grade(institution_x: Institution, regulator_a: User) -> None:
    inspection = started(institution_x, regulator_a)
    answer_all(inspection, regulator_a)
    inspection_record_item(item=item_numbered(inspection, "R03"), actor=regulator_a, result=ItemResult.FAIL)
    sign_both(inspection, regulator_a)
    inspection = inspection_complete(inspection=inspection, actor=regulator_a)
    assert inspection.score == 90 and inspection.vetoed and inspection.grade == "D"
    assert Case.objects.get(kind="rectification").severity == "block"


@pytest.mark.parametrize(
    ("score", "grade"), [(1000, "A"), (900, "A"), (899, "B"), (750, "B"), (600, "C"), (599, "D"), (0, "D")]
)
def test_grades_follow_the_configured_cut_offs(score: int, grade: str) -> None:
    assert grade_for(score, {"A": 900, "B": 750, "C": 600}) == grade


def test_cut_offs_changed_in_the_back_office_change_the_grade(
    institution_x: Institution, regulator_a: User
) -> None:
    checklist = routine()
    checklist.grade_cutoffs = {"A": 100, "B": 95, "C": 50}
    checklist.save()
    inspection = started(institution_x, regulator_a, checklist)
    answer_all(inspection, regulator_a)
    inspection_record_item(
        item=item_numbered(inspection, "R11"),
        actor=regulator_a,
        result=ItemResult.FAIL,
        override_reason="现场核实",
    )
    sign_both(inspection, regulator_a)
    assert inspection_complete(inspection=inspection, actor=regulator_a).grade == "B"


def test_a_finding_made_on_site_stays_open_until_its_order_is_verified(
    institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    inspection = started(institution_x, regulator_a)
    answer_all(inspection, regulator_a)
    outdoor = item_numbered(inspection, "R11")
    inspection_record_item(
        item=outdoor, actor=regulator_a, result=ItemResult.FAIL, override_reason="现场核实"
    )
    sign_both(inspection, regulator_a)
    inspection_complete(inspection=inspection, actor=regulator_a)
    outdoor.refresh_from_db()
    finding = Finding.objects.get(rule_code=FOUND_ON_SITE)

    findings_refresh(institution=institution_x)  # the rules do not produce it, and do not close it
    finding.refresh_from_db()
    assert finding.is_open
    assert outdoor.case is not None
    rectification_answer(case=outdoor.case, actor=director_x, note="已按要求安排户外活动")
    finding.refresh_from_db()
    assert finding.is_open  # answered is not yet verified
    rectification_verify(case=outdoor.case, actor=regulator_a, on_site=True)
    finding.refresh_from_db()
    assert not finding.is_open
