"""Class sizes: no class may hold more children than its age band allows (setting standard, art. 19)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tuoyu.policies.models import PolicyValue
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.services import care_class_create
from tuoyu.registry.standards import SETTING_STANDARD, AgeBand, class_cap

pytestmark = pytest.mark.django_db

# 乳儿班 10, 托小班 15, 托大班 20, 混龄班 18.
CAPS = [(AgeBand.INFANT, 10), (AgeBand.TODDLER, 15), (AgeBand.PRESCHOOL, 20), (AgeBand.MIXED, 18)]


def unsaved_class(institution: Institution, band: str, capacity: int) -> CareClass:
    return CareClass(
        institution=institution, name="新班", age_band=band, capacity=capacity, room_area_m2=Decimal("60.0")
    )


@pytest.mark.parametrize(("band", "cap"), CAPS)
def test_band_caps_are_the_national_ones(db: None, band: str, cap: int) -> None:
    assert class_cap(band, on=timezone.localdate()) == cap


@pytest.mark.parametrize(("band", "cap"), CAPS)
def test_class_above_band_cap_fails_full_clean_naming_cap_and_source(
    institution_x: Institution, band: str, cap: int
) -> None:
    care_class = unsaved_class(institution_x, band, cap + 1)

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        care_class.full_clean()

    with translation.override("en"):
        message = raised.value.message_dict["capacity"][0]
        source = str(SETTING_STANDARD)
    assert f"at most {cap} children" in message
    assert source in message
    assert "art. 19" in message
    assert f"{cap + 1} is too many" in message


@pytest.mark.parametrize(("band", "cap"), CAPS)
def test_class_above_band_cap_names_cap_and_source_in_chinese_too(
    institution_x: Institution, band: str, cap: int
) -> None:
    care_class = unsaved_class(institution_x, band, cap + 1)

    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        care_class.full_clean()

    with translation.override("zh-hans"):
        message = raised.value.message_dict["capacity"][0]
        source = str(SETTING_STANDARD)
    assert str(cap) in message
    assert source in message


@pytest.mark.parametrize(("band", "cap"), CAPS)
def test_class_exactly_at_band_cap_passes_full_clean_and_saves(
    institution_x: Institution, band: str, cap: int
) -> None:
    care_class = unsaved_class(institution_x, band, cap)

    care_class.full_clean()
    care_class.save()

    assert CareClass.objects.get(pk=care_class.pk).capacity == cap


@pytest.mark.parametrize(("band", "cap"), CAPS)
def test_care_class_create_refuses_a_class_above_band_cap(
    institution_x: Institution, band: str, cap: int
) -> None:
    with pytest.raises(ValidationError):
        care_class_create(
            institution=institution_x,
            name="超员班",
            age_band=band,
            capacity=cap + 1,
            room_area_m2=Decimal(60),
        )

    assert not CareClass.objects.filter(institution=institution_x).exists()


def test_cap_of_one_band_does_not_apply_to_another(institution_x: Institution) -> None:
    # 20 children fit a 托大班 but not a 托小班: each class is held to the cap of its own band.
    unsaved_class(institution_x, AgeBand.PRESCHOOL, 20).full_clean()

    with pytest.raises(ValidationError) as raised:
        unsaved_class(institution_x, AgeBand.TODDLER, 20).full_clean()

    assert "capacity" in raised.value.message_dict


def test_a_new_cap_applies_from_its_effective_day_and_past_days_keep_the_old_one(
    institution_x: Institution,
) -> None:
    today = timezone.localdate()
    PolicyValue.objects.create(key="class_cap.preschool", value=16, effective_from=today, source="新规")

    assert class_cap(AgeBand.PRESCHOOL, on=today) == 16
    assert class_cap(AgeBand.PRESCHOOL, on=today - datetime.timedelta(days=1)) == 20
    with pytest.raises(ValidationError):
        unsaved_class(institution_x, AgeBand.PRESCHOOL, 17).full_clean()
