"""Menus and food samples: the refusals, rules DAY-03 and DAY-04, and the family's menu page."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.models import FoodSample, WeeklyMenu
from tuoyu.daycare.selectors.supervision import week_start_of
from tuoyu.daycare.services.kitchen import menu_publish, menu_save, sample_discard, sample_record
from tuoyu.daycare.tests.supervision_helpers import at, check_in, place, today, yesterday
from tuoyu.enrolment.tests.helpers import make_guardian
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.rules import RULES

pytestmark = pytest.mark.django_db


def lunch_menu(day: datetime.date, *dishes: str) -> dict[str, dict[str, list[str]]]:
    return {day.isoformat(): {"lunch": list(dishes), "afternoon_snack": ["苹果"]}}


def published(institution: Institution, day: datetime.date, *dishes: str) -> WeeklyMenu:
    return WeeklyMenu.objects.create(
        institution=institution,
        week_start=week_start_of(day),
        dishes=lunch_menu(day, *dishes),
        published_at=at(week_start_of(day), 8),
    )


def sample(institution: Institution, day: datetime.date, dish: str, **fields: object) -> FoodSample:
    values: dict[str, object] = {
        "meal": "lunch",
        "weight_g": 120,
        "refrigerated_at": at(day, 12),
        "sampled_by": "厨师王",
        **fields,
    }
    return FoodSample.objects.create(institution=institution, day=day, dish=dish, **values)


# Food samples -------------------------------------------------------------------------------------------


def test_a_sample_under_100_g_is_refused(institution_x: Institution, caregiver_x: User) -> None:
    with pytest.raises(Refusal) as refused:
        sample_record(
            actor=caregiver_x, institution=institution_x, day=today(), meal="lunch", dish="米饭", weight_g=99
        )
    assert refused.value.code == "sample_underweight"
    assert not FoodSample.objects.exists()

    recorded = sample_record(
        actor=caregiver_x, institution=institution_x, day=today(), meal="lunch", dish="米饭", weight_g=100
    )
    assert recorded.sampled_by == caregiver_x.display_name
    with pytest.raises(Refusal) as refused:
        sample_record(
            actor=caregiver_x, institution=institution_x, day=today(), meal="lunch", dish="米饭", weight_g=150
        )
    assert refused.value.code == "sample_exists"


def test_a_sample_of_a_meal_not_yet_served_is_refused(institution_x: Institution, caregiver_x: User) -> None:
    tomorrow = today() + datetime.timedelta(days=1)

    with pytest.raises(Refusal) as refused:
        sample_record(
            actor=caregiver_x,
            institution=institution_x,
            day=tomorrow,
            meal="lunch",
            dish="米饭",
            weight_g=100,
        )

    assert refused.value.code == "meal_in_future"
    assert tomorrow.isoformat() in refused.value.text
    assert not FoodSample.objects.exists()


def test_a_sample_refrigerated_before_its_meal_was_served_is_refused(
    institution_x: Institution, caregiver_x: User
) -> None:
    with pytest.raises(Refusal) as refused:
        sample_record(
            actor=caregiver_x,
            institution=institution_x,
            day=today(),
            meal="lunch",
            dish="米饭",
            weight_g=120,
            refrigerated_at=at(yesterday(), 12),
        )

    assert refused.value.code == "refrigerated_before_meal"
    assert not FoodSample.objects.exists()
    # Yesterday's lunch put in the fridge yesterday is fine.
    recorded = sample_record(
        actor=caregiver_x,
        institution=institution_x,
        day=yesterday(),
        meal="lunch",
        dish="米饭",
        weight_g=120,
        refrigerated_at=at(yesterday(), 12),
    )
    assert recorded.day == yesterday()


def test_a_sample_is_kept_48_hours_before_it_may_be_discarded(
    institution_x: Institution, caregiver_x: User, director_y: User
) -> None:
    refrigerated = timezone.now() - datetime.timedelta(hours=47, minutes=59)
    kept = sample(institution_x, yesterday(), "米饭", refrigerated_at=refrigerated)

    with pytest.raises(Refusal) as refused:
        sample_discard(actor=caregiver_x, sample=kept)
    assert (refused.value.code, refused.value.conflict) == ("sample_too_early", True)
    with pytest.raises(NotPermitted):
        sample_discard(actor=director_y, sample=kept, now=refrigerated + datetime.timedelta(hours=49))

    done = sample_discard(actor=caregiver_x, sample=kept, now=refrigerated + datetime.timedelta(hours=48))
    assert done.discarded_at == refrigerated + datetime.timedelta(hours=48)
    with pytest.raises(Refusal) as refused:
        sample_discard(actor=caregiver_x, sample=kept, now=refrigerated + datetime.timedelta(hours=49))
    assert refused.value.code == "sample_discarded"


def test_rule_day_04_finds_missing_underweight_and_early_discarded_samples(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    check_in(place(class_x, 1)[0], caregiver_x, when=at(day, 8))
    published(institution_x, day, "番茄炒蛋", "米饭", "紫菜汤")
    sample(institution_x, day, "番茄炒蛋")
    sample(institution_x, day, "米饭", weight_g=80)
    sample(
        institution_x,
        day,
        "紫菜汤",
        refrigerated_at=at(day, 12),
        discarded_at=at(day, 12) + datetime.timedelta(hours=24),
    )

    found = list(RULES["DAY-04"].evaluate(institution_x, day))

    assert [d.subject_key for d in found] == [f"samples:{day.isoformat()}"]
    evidence = found[0].evidence
    assert "“米饭”留样80克，不足100克" in evidence
    assert "“紫菜汤”留样冷藏24小时即废弃" in evidence
    assert "番茄炒蛋" not in evidence
    assert "苹果" not in evidence  # snacks are not among the sampled meals
    assert RULES["DAY-04"].severity == "violation"


def test_rule_day_04_a_missing_sample_and_then_none(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    check_in(place(class_x, 1)[0], caregiver_x, when=at(day, 8))
    published(institution_x, day, "番茄炒蛋")
    assert "“番茄炒蛋”无留样记录" in next(RULES["DAY-04"].evaluate(institution_x, day)).evidence

    sample(institution_x, day, "番茄炒蛋")
    assert list(RULES["DAY-04"].evaluate(institution_x, day)) == []


def test_rule_day_04_ignores_days_without_children_and_today(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    published(institution_x, yesterday(), "番茄炒蛋")
    published_today = lunch_menu(today(), "米饭")
    if week_start_of(today()) == week_start_of(yesterday()):
        menu = WeeklyMenu.objects.get(institution=institution_x)
        menu.dishes = {**menu.dishes, **published_today}
        menu.save()
    else:
        published(institution_x, today(), "米饭")
    check_in(place(class_x, 1)[0], caregiver_x)  # today, not over yet

    assert list(RULES["DAY-04"].evaluate(institution_x, today())) == []


# Menus ------------------------------------------------------------------------------------------------


def test_menu_save_and_publish(institution_x: Institution, director_x: User, caregiver_x: User) -> None:
    monday = week_start_of(today())
    with pytest.raises(Refusal) as refused:
        menu_save(
            actor=director_x,
            institution=institution_x,
            week_start=monday + datetime.timedelta(days=1),
            dishes={},
        )
    assert refused.value.code == "not_monday"
    with pytest.raises(Refusal) as refused:
        menu_save(
            actor=director_x,
            institution=institution_x,
            week_start=monday,
            dishes={(monday - datetime.timedelta(days=1)).isoformat(): {"lunch": ["米饭"]}},
        )
    assert refused.value.code == "menu_invalid"
    with pytest.raises(NotPermitted):
        menu_save(actor=caregiver_x, institution=institution_x, week_start=monday, dishes={})

    menu = menu_save(
        actor=director_x,
        institution=institution_x,
        week_start=monday,
        dishes={monday.isoformat(): {"lunch": [" 番茄炒蛋 ", "米饭", "米饭", ""]}},
    )
    assert menu.dishes == {monday.isoformat(): {"lunch": ["番茄炒蛋", "米饭"]}}
    menu = menu_publish(actor=director_x, menu=menu)
    assert menu.published_at is not None
    with pytest.raises(Refusal) as refused:
        menu_publish(actor=director_x, menu=menu)
    assert refused.value.code == "menu_published"


def test_rule_day_03_warns_from_tuesday_when_the_week_menu_is_not_published(
    institution_x: Institution, class_x: CareClass
) -> None:
    place(class_x, 1)
    monday = week_start_of(today()) - datetime.timedelta(days=7)  # last week: every day of it is known
    tuesday = monday + datetime.timedelta(days=1)

    assert list(RULES["DAY-03"].evaluate(institution_x, monday)) == []
    found = list(RULES["DAY-03"].evaluate(institution_x, tuesday))
    assert [d.subject_key for d in found] == [f"menu:{monday.isoformat()}"]
    assert "尚未向家长公布" in found[0].evidence

    menu = WeeklyMenu.objects.create(
        institution=institution_x, week_start=monday, dishes=lunch_menu(monday, "米饭")
    )
    assert len(list(RULES["DAY-03"].evaluate(institution_x, tuesday))) == 1  # written, not published
    menu.published_at = at(tuesday, 9)
    menu.save()
    assert "晚于周一" in next(RULES["DAY-03"].evaluate(institution_x, tuesday)).evidence
    menu.published_at = at(monday, 18)
    menu.save()
    assert list(RULES["DAY-03"].evaluate(institution_x, tuesday)) == []


def test_rule_day_03_skips_institutions_without_meals_or_children(
    institution_x: Institution, class_x: CareClass
) -> None:
    tuesday = week_start_of(today()) - datetime.timedelta(days=6)
    assert list(RULES["DAY-03"].evaluate(institution_x, tuesday)) == []  # no child in care
    place(class_x, 1)
    institution_x.serves_meals = False
    assert list(RULES["DAY-03"].evaluate(institution_x, tuesday)) == []


# Pages and API ----------------------------------------------------------------------------------------


@pytest.fixture
def family_x(class_x: CareClass) -> User:
    """A guardian with a child placed in class X."""
    parent = make_guardian("星星家长")
    place(class_x, 1, guardian=parent)
    return parent


def test_the_family_of_a_placed_child_reads_the_published_menu(
    client_as: Callable[[str], Client], institution_x: Institution, family_x: User
) -> None:
    published(institution_x, today(), "番茄炒蛋", "米饭")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(family_x)

    html = client.get(f"/care/menus/{institution_x.code}/").content.decode()
    assert "番茄炒蛋、米饭" in html

    WeeklyMenu.objects.update(published_at=None)
    html = client.get(f"/care/menus/{institution_x.code}/").content.decode()
    assert "番茄炒蛋" not in html and "not published yet" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [("guardian", 404), ("director_y", 404), ("caregiver_x", 200), ("regulator_a", 200), ("anonymous", 302)],
)
def test_menu_page_scope(
    client_as: Callable[[str], Client], institution_x: Institution, persona: str, status: int
) -> None:
    assert client_as(persona).get(f"/care/menus/{institution_x.code}/").status_code == status


def test_kitchen_page_writes_and_publishes_the_menu_and_records_a_sample(
    client_as: Callable[[str], Client], institution_x: Institution, director_x: User
) -> None:
    client = client_as("director_x")
    url = f"/care/kitchen/{institution_x.code}/"
    monday = week_start_of(today())

    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "action": "menu",
            "week_start": monday.isoformat(),
            f"{today().isoformat()}__lunch": "番茄炒蛋\n米饭",
        },
    )
    menu = WeeklyMenu.objects.get(institution=institution_x, week_start=monday)
    assert menu.dishes == {today().isoformat(): {"lunch": ["番茄炒蛋", "米饭"]}}
    client.post(url, {"action": "publish", "week_start": monday.isoformat()})
    menu.refresh_from_db()
    assert menu.published_at is not None

    response = client.post(
        url,
        {"action": "sample", "day": today().isoformat(), "meal": "lunch", "dish": "米饭", "weight_g": "90"},
        follow=True,
    )
    assert "at least 100 g" in response.content.decode()
    client.post(
        url,
        {"action": "sample", "day": today().isoformat(), "meal": "lunch", "dish": "米饭", "weight_g": "120"},
    )
    recorded = FoodSample.objects.get(institution=institution_x)
    assert recorded.weight_g == 120
    html = client.get(url).content.decode()
    assert f'data-sample="{recorded.pk}"' in html and "Keep refrigerated" in html
    assert "番茄炒蛋" in html and 'data-gap="missing"' in html  # the other dish of lunch has no sample yet


@pytest.mark.parametrize(
    ("persona", "status"), [("caregiver_x", 200), ("director_y", 404), ("regulator_a", 404)]
)
def test_kitchen_page_scope(
    client_as: Callable[[str], Client], institution_x: Institution, persona: str, status: int
) -> None:
    assert client_as(persona).get(f"/care/kitchen/{institution_x.code}/").status_code == status


def test_kitchen_api(
    api_as: Callable[[str], APIClient], institution_x: Institution, director_x: User, family_x: User
) -> None:
    monday = week_start_of(today())
    api = api_as("director_x")
    base = f"/api/v1/institutions/{institution_x.code}"

    saved = api.post(
        f"{base}/menus/",
        {"week_start": monday.isoformat(), "dishes": {monday.isoformat(): {"lunch": ["米饭"]}}},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert api_as("caregiver_x").post(f"{base}/menus/", saved.json(), format="json").status_code == 404
    family = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    family.force_authenticate(family_x)
    assert family.get(f"{base}/menu/").status_code == 404  # not published yet
    assert (
        api.post(f"{base}/menus/publish/", {"week_start": monday.isoformat()}, format="json").status_code
        == 200
    )
    assert family.get(f"{base}/menu/").json()["dishes"] == {monday.isoformat(): {"lunch": ["米饭"]}}

    light = api.post(
        f"{base}/food-samples/",
        {"day": today().isoformat(), "meal": "lunch", "dish": "米饭", "weight_g": 60},
        format="json",
    )
    assert (light.status_code, light.json()["code"]) == (400, "sample_underweight")
    recorded = api.post(
        f"{base}/food-samples/",
        {"day": today().isoformat(), "meal": "lunch", "dish": "米饭", "weight_g": 110},
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    early = api.post(f"/api/v1/food-samples/{recorded.json()['id']}/discard/")
    assert (early.status_code, early.json()["code"]) == (409, "sample_too_early")
    assert len(api.get(f"{base}/food-samples/").json()) == 1
