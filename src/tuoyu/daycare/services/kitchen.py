"""Menus and food samples: the weekly menu (带量食谱) published to families by Monday, and a sample (留样) of
every dish, at least 100 g, kept refrigerated at least 48 hours (national rules §8.6, §8.9; GZ12).

Rules DAY-03 (menu not published by Monday) and DAY-04 (a dish without a proper sample) read what these
services write.
"""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.daycare.models import FoodSample, Meal, WeeklyMenu
from tuoyu.daycare.selectors.supervision import sample_min_grams, sample_min_hours
from tuoyu.daycare.services.staffing import require_care_recorder
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.registry.signals import announce_change

DISH_MAX_LENGTH = 60


def _require_menu_author(actor: object, institution_id: int) -> None:
    if not actor_may(actor, Perm.RECORD_HEALTH, institution_id):
        raise NotPermitted(_("Only the institution's director or health staff may write its menu."))


def clean_dishes(week_start: datetime.date, dishes: Any) -> dict[str, dict[str, list[str]]]:
    """Check and tidy a menu: ``{"YYYY-MM-DD": {"<meal>": ["dish", ...]}}`` for days of that week only."""
    invalid = Refusal(
        _('Write the menu as {"YYYY-MM-DD": {"lunch": ["dish", ...]}} for days of its week.'), "menu_invalid"
    )
    if not isinstance(dishes, dict):
        raise invalid
    week = {(week_start + datetime.timedelta(days=i)).isoformat() for i in range(7)}
    cleaned: dict[str, dict[str, list[str]]] = {}
    for day, meals in sorted(dishes.items()):
        if day not in week or not isinstance(meals, dict):
            raise invalid
        for meal, names in meals.items():
            if meal not in Meal.values or not isinstance(names, list):
                raise invalid
            tidy: list[str] = []
            for name in names:
                if not isinstance(name, str) or len(name.strip()) > DISH_MAX_LENGTH:
                    raise invalid
                if name.strip() and name.strip() not in tidy:
                    tidy.append(name.strip())
            if tidy:
                cleaned.setdefault(day, {})[meal] = tidy
    return cleaned


def menu_save(
    *, actor: object, institution: Institution, week_start: datetime.date, dishes: Any
) -> WeeklyMenu:
    """Write (or rewrite) an institution's menu of a week. A published menu stays published."""
    _require_menu_author(actor, institution.pk)
    if week_start.weekday() != 0:
        raise Refusal(_("A menu's week starts on a Monday."), "not_monday")
    cleaned = clean_dishes(week_start, dishes)
    with transaction.atomic():
        menu, _created = WeeklyMenu.objects.select_for_update().get_or_create(
            institution=institution, week_start=week_start, defaults={"dishes": cleaned}
        )
        if menu.dishes != cleaned:
            menu.dishes = cleaned
            menu.full_clean()
            menu.save(update_fields=["dishes"])
        announce_change(institution.pk)
    return menu


def menu_publish(*, actor: object, menu: WeeklyMenu, now: datetime.datetime | None = None) -> WeeklyMenu:
    """Publish a week's menu to the families of the institution."""
    _require_menu_author(actor, menu.institution_id)
    with transaction.atomic():
        menu = WeeklyMenu.objects.select_for_update().get(pk=menu.pk)
        if menu.published_at is not None:
            raise Refusal(_("This menu is already published."), "menu_published", conflict=True)
        if not menu.dishes:
            raise Refusal(_("The menu has no dishes yet."), "menu_empty", conflict=True)
        menu.published_at = now or timezone.now()
        menu.save(update_fields=["published_at"])
        announce_change(menu.institution_id)
    return menu


def sample_record(
    *,
    actor: User,
    institution: Institution,
    day: datetime.date,
    meal: str,
    dish: str,
    weight_g: int,
    sampled_by: str = "",
    refrigerated_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> FoodSample:
    """Log the sample of one dish of one meal, put in the fridge at ``refrigerated_at`` (default now)."""
    now = now or timezone.now()
    require_care_recorder(actor, institution.pk)
    dish = dish.strip()
    if meal not in Meal.values:
        raise Refusal(_("Choose the meal."), "meal_unknown")
    if not dish or len(dish) > DISH_MAX_LENGTH:
        raise Refusal(_("Name the dish (at most 60 characters)."), "dish_missing")
    if weight_g < sample_min_grams(day):
        raise Refusal(
            _("A sample must weigh at least %(min)s g; this one weighs %(weight)s g.")
            % {"min": sample_min_grams(day), "weight": weight_g},
            "sample_underweight",
        )
    if day > timezone.localdate(now):
        raise Refusal(
            _("The meal of %(day)s has not been served yet: sample it on the day.")
            % {"day": day.isoformat()},
            "meal_in_future",
        )
    refrigerated_at = refrigerated_at or now
    if refrigerated_at > now:
        raise Refusal(_("The sample cannot go into the fridge in the future."), "refrigerated_in_future")
    if timezone.localdate(refrigerated_at) < day:
        raise Refusal(
            _("The sample went into the fridge on %(fridge)s, before the meal of %(day)s was served.")
            % {"fridge": timezone.localdate(refrigerated_at).isoformat(), "day": day.isoformat()},
            "refrigerated_before_meal",
        )
    sample = FoodSample(
        institution=institution,
        day=day,
        meal=meal,
        dish=dish,
        weight_g=weight_g,
        refrigerated_at=refrigerated_at,
        sampled_by=(sampled_by.strip() or actor.display_name)[:50],
    )
    sample.full_clean(validate_unique=False, validate_constraints=False)  # unique: the insert below decides
    exists = Refusal(_("This dish of this meal already has its sample."), "sample_exists", conflict=True)
    if FoodSample.objects.filter(institution=institution, day=day, meal=meal, dish=dish).exists():
        raise exists
    try:
        with transaction.atomic():
            sample.save()
            announce_change(institution.pk)
    except IntegrityError as error:  # recorded at the same moment by someone else
        raise exists from error
    return sample


def sample_discard(*, actor: object, sample: FoodSample, now: datetime.datetime | None = None) -> FoodSample:
    """Throw a sample away: only after 48 hours in the fridge."""
    now = now or timezone.now()
    require_care_recorder(actor, sample.institution_id)
    with transaction.atomic():
        sample = FoodSample.objects.select_for_update().get(pk=sample.pk)
        if sample.discarded_at is not None:
            raise Refusal(_("This sample is already discarded."), "sample_discarded", conflict=True)
        hours = sample_min_hours(sample.day)
        keep_until = sample.refrigerated_at + datetime.timedelta(hours=hours)
        if now < keep_until:
            raise Refusal(
                _("Keep the sample refrigerated for %(hours)s hours: not before %(until)s.")
                % {
                    "hours": hours,
                    "until": timezone.localtime(keep_until).strftime("%Y-%m-%d %H:%M"),
                },
                "sample_too_early",
                conflict=True,
            )
        sample.discarded_at = now
        sample.save(update_fields=["discarded_at"])
        announce_change(sample.institution_id)
    return sample
