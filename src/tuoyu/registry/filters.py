"""Filters of the public directory, shared by its page and its API (one way of filtering)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.parsers import FLAG_ERROR, FLAG_WORDS
from tuoyu.regions.models import Region
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


class DirectoryFilter(django_filters.FilterSet):
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
