"""Every date field of every page's form renders its value as the browser's date picker reads it (ISO),
whatever the page's language: a date picker given 2026/12/06 shows an empty field."""

import datetime
import importlib
import pkgutil

import django_filters
from django import forms
from django.apps import apps
from django.utils import translation

import tuoyu
from tuoyu import widgets
from tuoyu.daycare.forms import InstructionForm


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _all_subclasses(sub)
    return found


def _load_every_forms_module() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("tuoyu."):
            continue
        for name in ("forms", "filters", "selectors"):
            try:
                module = importlib.import_module(f"{config.name}.{name}")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "__path__"):  # a package: its modules too
                for info in pkgutil.iter_modules(module.__path__):
                    importlib.import_module(f"{module.__name__}.{info.name}")


def test_every_date_picker_of_every_form_is_the_iso_widget() -> None:
    _load_every_forms_module()
    checked = []
    for form_class in _all_subclasses(forms.BaseForm):
        if not form_class.__module__.startswith(tuoyu.__name__):
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            if getattr(field.widget, "input_type", "") in ("date", "month"):
                checked.append(f"{form_class.__qualname__}.{name}")
                assert isinstance(field.widget, widgets.DateInput | widgets.MonthInput), (
                    f"{form_class.__module__}.{form_class.__qualname__}.{name}"
                )
    for filterset in _all_subclasses(django_filters.FilterSet):
        if not filterset.__module__.startswith(tuoyu.__name__):
            continue
        for name, the_filter in filterset.base_filters.items():
            widget = the_filter.extra.get("widget")
            if isinstance(widget, type):
                widget = widget()
            if getattr(widget, "input_type", "") in ("date", "month"):
                checked.append(f"{filterset.__qualname__}.{name}")
                assert isinstance(widget, widgets.DateInput | widgets.MonthInput), filterset.__qualname__
    assert "InstructionForm.valid_from" in checked


def test_the_medication_instruction_prefills_its_dates_in_chinese() -> None:
    form = InstructionForm(
        children=[],
        initial={"valid_from": datetime.date(2026, 12, 6), "valid_until": datetime.date(2026, 12, 9)},
    )
    with translation.override("zh-hans"):
        html = str(form["valid_from"]) + str(form["valid_until"])
    assert 'value="2026-12-06"' in html
    assert 'value="2026-12-09"' in html
    assert 'type="date"' in html


def test_the_month_picker_reads_and_writes_year_and_month() -> None:
    with translation.override("zh-hans"):
        html = widgets.MonthInput().render("month", datetime.date(2026, 11, 1))
    assert 'value="2026-11"' in html
