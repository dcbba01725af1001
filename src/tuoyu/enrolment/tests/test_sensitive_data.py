"""Allergies and special needs (sensitive personal data) reach only the child's guardians and the
institution caring for the child — not an institution the family has merely applied to."""

from typing import Any

from tuoyu.enrolment.tests.helpers import apply, raw_placement


def test_an_institution_the_family_only_applied_to_sees_the_child_without_allergies(
    api_as: Any,
    guardian: Any,
    director_x: Any,
    institution_x: Any,
    class_x: Any,
    full_day_x: Any,
    make_child: Any,
) -> None:
    child = make_child(guardian, allergies="鸡蛋过敏", special_needs="需要午睡陪伴")
    apply(guardian, child, institution_x)

    seen_by_applied_institution = api_as("director_x").get(f"/api/v1/children/{child.code}/").json()
    seen_by_guardian = api_as("guardian").get(f"/api/v1/children/{child.code}/").json()

    assert seen_by_applied_institution["name"] == child.name
    assert "allergies" not in seen_by_applied_institution
    assert "special_needs" not in seen_by_applied_institution
    assert seen_by_guardian["allergies"] == "鸡蛋过敏"
    assert seen_by_guardian["special_needs"] == "需要午睡陪伴"


def test_the_institution_caring_for_the_child_sees_the_allergies(
    api_as: Any, guardian: Any, director_x: Any, caregiver_x: Any, class_x: Any, make_child: Any
) -> None:
    child = make_child(guardian, allergies="鸡蛋过敏")
    raw_placement(child, class_x)

    for persona in ("director_x", "caregiver_x"):
        assert api_as(persona).get(f"/api/v1/children/{child.code}/").json()["allergies"] == "鸡蛋过敏"
