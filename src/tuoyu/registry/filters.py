"""Filters of the public directory, shared by its page and its API (one way of filtering)."""

from collections.abc import Callable, Iterator
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.translation import gettext_lazy as _

from tuoyu.parsers import FLAG_ERROR, FLAG_WORDS
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import area_choices, area_of_street, areas_with_streets, streets_of_area
from tuoyu.registry.models import (
    CareClass,
    Institution,
    ProviderModel,
    ProviderTag,
    ServiceOffering,
    ServiceType,
)
from tuoyu.registry.standards import AgeBand


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "Any", not "Unknown"; a value it does not know is passed on
    to the field, which refuses it (instead of reading it as "any")."""

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return FLAG_WORDS.get(str(value).strip().lower(), value) if value not in (None, "") else None


class YesNoField(forms.NullBooleanField):
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: "any"
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError(FLAG_ERROR, code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    """true/false (or 1/0) or nothing; anything else is an error shown next to the field, or a 400."""

    field_class = YesNoField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", AnyYesNo)
        super().__init__(*args, **kwargs)


class LazyChoices(BaseChoiceIterator):
    """Choices read from the database when the select is drawn (an API request never draws it), once."""

    def __init__(self, read: Callable[[], list[tuple[str, Any]]]) -> None:
        self.read = read
        self.choices: list[tuple[str, Any]] | None = None

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        if self.choices is None:
            self.choices = list(normalize_choices(self.read()))
        return iter(self.choices)


class DirectoryForm(forms.Form):
    """The directory's form: the street select lists only the streets of the chosen district (a province
    has thousands), so a district is chosen first; a street given alone (a link, an app) brings its
    district with it. Any street of the province is still accepted; one outside the chosen district is
    dropped (choosing another district starts its streets afresh)."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and data.get("street") and not data.get("district"):
            area = area_of_street(str(data["street"]))
            if area is not None:
                data = data.copy()
                data["district"] = area
        super().__init__(data, *args, **kwargs)
        if "district" in self.fields:
            district = self.fields["district"]
            district.widget.choices = LazyChoices(
                lambda: [("", district.empty_label), *area_choices()]  # type: ignore[attr-defined]
            )
        if "street" in self.fields:
            self.fields["street"].widget.choices = LazyChoices(self._street_choices)

    def _street_choices(self) -> list[tuple[str, Any]]:
        area = self.data.get("district") if self.is_bound else None
        if not area:
            return [("", _("Choose a district first"))]
        streets = streets_of_area(str(area)).values_list("code", "name")
        return [("", self.fields["street"].empty_label), *streets]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        street, area = cleaned.get("street"), cleaned.get("district")
        if street is not None and area is not None and street.parent_id != area.pk:
            cleaned["street"] = None
        return cleaned


class DirectoryFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("District / county"),
        queryset=areas_with_streets(),
        to_field_name="code",
        method="filter_street",
        empty_label=_("Any"),
    )
    street = django_filters.ModelChoiceFilter(
        label=_("Street / town"),
        queryset=Region.objects.filter(level=Region.Level.STREET),
        to_field_name="code",
        method="filter_street",
        empty_label=_("Any"),
    )
    service_type = django_filters.ChoiceFilter(
        label=_("Service type"),
        choices=ServiceType.choices,
        method="filter_service_type",
        empty_label=_("Any"),
    )
    provider_model = django_filters.ChoiceFilter(
        label=_("Provider model"),
        choices=ProviderModel.choices,
        method="filter_provider_model",
        empty_label=_("Any"),
    )
    age_band = django_filters.ChoiceFilter(
        label=_("Age band served"), choices=AgeBand.choices, method="filter_age_band", empty_label=_("Any")
    )
    inclusive = YesNoFilter(
        label=_("Inclusive (普惠)"),
        field_name="inclusive_recognized_on",
        lookup_expr="isnull",
        exclude=True,
    )
    medical_integrated = YesNoFilter(
        label=_("Medical-integrated"),
        field_name="partner_hospital",
        lookup_expr="isnull",
        exclude=True,
    )

    class Meta:
        model = Institution
        fields: list[str] = []
        form = DirectoryForm

    def filter_street(
        self, queryset: QuerySet[Institution], name: str, value: Region
    ) -> QuerySet[Institution]:
        return queryset.filter(street__path__startswith=value.path)

    # Each "has one of" filter is a semi-join (EXISTS), not a join: an institution is listed once without a
    # DISTINCT, so that the paginator's count stays a plain COUNT(*).

    def filter_service_type(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(
            Exists(ServiceOffering.objects.filter(institution=OuterRef("pk"), service_type=value))
        )

    def filter_provider_model(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(Exists(ProviderTag.objects.filter(institution=OuterRef("pk"), model=value)))

    def filter_age_band(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(Exists(CareClass.objects.filter(institution=OuterRef("pk"), age_band=value)))
