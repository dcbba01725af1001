"""Filters of bookable slots and sessions, shared by the booking page and the API (one way of filtering)."""

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_public
from tuoyu.widgets import DateInput


def _public_institutions(request: HttpRequest | None) -> QuerySet[Institution]:
    return Institution.objects.filter(pk__in=institutions_public().values("pk")).order_by("name")


class BookableFilter(django_filters.FilterSet):
    """Slots or sessions by institution (its code) and date range; both models have these fields."""

    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=_public_institutions,
        to_field_name="code",
        field_name="institution",
        empty_label=_("All institutions"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=DateInput)
