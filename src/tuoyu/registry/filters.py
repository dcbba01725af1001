"""Filters of the public directory, shared by its page and its API (one way of filtering)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution, ProviderModel, ServiceType
from tuoyu.registry.standards import AgeBand


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "Any", not "Unknown"."""

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


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
    inclusive = django_filters.BooleanFilter(
        label=_("Inclusive (普惠)"),
        field_name="inclusive_recognized_on",
        lookup_expr="isnull",
        exclude=True,
        widget=AnyYesNo,
    )
    medical_integrated = django_filters.BooleanFilter(
        label=_("Medical-integrated"),
        field_name="partner_hospital",
        lookup_expr="isnull",
        exclude=True,
        widget=AnyYesNo,
    )

    class Meta:
        model = Institution
        fields: list[str] = []

    def filter_street(
        self, queryset: QuerySet[Institution], name: str, value: Region
    ) -> QuerySet[Institution]:
        return queryset.filter(street__path__startswith=value.path)

    def filter_service_type(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(services__service_type=value).distinct()

    def filter_provider_model(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(provider_tags__model=value).distinct()

    def filter_age_band(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(classes__age_band=value).distinct()
