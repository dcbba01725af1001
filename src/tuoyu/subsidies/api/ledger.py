"""The ledger's API ("三到位"), for the regulator whose scope holds the district (others: 404):

``GET regions/{code}/subsidy-ledger/?year=YYYY`` answers exactly ``{"budget", "committed", "paid",
"entries"}`` (amounts as decimal strings); ``POST regions/{code}/subsidy-ledger/budget/`` records the year's
budget (an allocation, or a reduction with ``"reduction": true``); ``GET regions/{code}/subsidy-dashboard/``
gives the dashboard's figures; ``POST subsidy-decisions/{code}/payments/`` and ``.../refunds/`` record a
payment or a refund received against a decision. A missing or malformed ``year`` is a 400 naming the
parameter; refusals answer 400/409 with ``{"code", "detail"}``. The same services and selectors as the pages.
"""

from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.parsers import validated
from tuoyu.refusals import refused
from tuoyu.subsidies.forms.ledger import MAX_YEAR, MIN_YEAR
from tuoyu.subsidies.models import LedgerEntry
from tuoyu.subsidies.selectors.ledger import (
    decisions_payable_by,
    ledger_entries,
    ledger_regions_of,
    ledger_summary,
    payments_by_institution,
    payments_overall,
    payments_overdue,
)
from tuoyu.subsidies.services.ledger import budget_allocate, budget_reduce, payment_record, refund_record

YEAR = OpenApiParameter("year", int, required=True, description="The budget year, YYYY.")


def year_param(request: Request) -> int:
    value = str(request.query_params.get("year") or "").strip()
    if not value:
        raise ValidationError({"year": ["Give the budget year as YYYY."]})
    if len(value) != 4 or not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise ValidationError({"year": [f"{value[:10]!r} is not a year (YYYY)."]})
    return int(value)


class LedgerEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="budget, commitment or payment (negative: reduction, clawback, refund)."
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, source="amount_yuan")
    decision = serializers.CharField(
        source="decision.number", allow_null=True, help_text="The decision's number."
    )
    institution = serializers.CharField(source="institution.name", allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    reference = serializers.CharField()
    recorded_at = serializers.DateTimeField()

    def to_representation(self, instance: LedgerEntry) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["decision"] = instance.decision.number if instance.decision else None
        data["institution"] = instance.institution.name if instance.institution else None
        return dict(data)


class SubsidyLedgerSerializer(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    entries = LedgerEntrySerializer(many=True)


class RegionLedgerView(APIView):
    """The district's ledger of a year: its totals and every entry, in the order recorded."""

    @extend_schema(parameters=[YEAR], responses={200: SubsidyLedgerSerializer, **refused("year")})
    def get(self, request: Request, code: str) -> Response:
        region = get_visible_or_404(ledger_regions_of(request.user), code=code)
        year = year_param(request)
        summary = ledger_summary(region, year)
        data = {
            "budget": summary.budget,
            "committed": summary.committed,
            "paid": summary.paid,
            "entries": list(ledger_entries(region, year)),
        }
        return Response(SubsidyLedgerSerializer(data).data)


class LedgerBudgetInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    amount_yuan = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    document = serializers.CharField(max_length=200, help_text="The document that allocates or changes it.")
    reduction = serializers.BooleanField(default=False, help_text="true: reduce the budget by the amount.")


class LedgerEntryOutSerializer(LedgerEntrySerializer):
    year = serializers.IntegerField()
    note = serializers.CharField()


class BudgetView(APIView):
    """Record the district's budget of a year: an allocation, or a reduction (never below what is
    committed)."""

    @extend_schema(
        request=LedgerBudgetInputSerializer,
        responses={
            201: LedgerEntryOutSerializer,
            **refused("amount_not_positive, document_required", "budget_below_committed"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        region = get_visible_or_404(ledger_regions_of(request.user), code=code)
        data = validated(LedgerBudgetInputSerializer, request.data)
        record = budget_reduce if data["reduction"] else budget_allocate
        entry = record(
            region=region,
            year=data["year"],
            amount_yuan=data["amount_yuan"],
            document=data["document"],
            actor=signed_in_user(request),
        )
        return Response(LedgerEntryOutSerializer(entry).data, status=status.HTTP_201_CREATED)


class LedgerPaymentInputSerializer(serializers.Serializer):
    amount_yuan = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=60, help_text="The bank's voucher number.")


class PaymentView(APIView):
    """Record a payment to the decision's institution (``refund=True``: money it paid back)."""

    refund = False

    @extend_schema(
        request=LedgerPaymentInputSerializer,
        responses={
            201: LedgerEntryOutSerializer,
            **refused(
                "paid_on_in_future, reference_required",
                "payment_exceeds_commitment, refund_exceeds_recoverable, decision_not_committed",
            ),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        decision = get_visible_or_404(decisions_payable_by(request.user), code=code)
        data = validated(LedgerPaymentInputSerializer, request.data)
        record = refund_record if self.refund else payment_record
        entry = record(
            decision=decision,
            amount_yuan=data["amount_yuan"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            actor=signed_in_user(request),
        )
        return Response(LedgerEntryOutSerializer(entry).data, status=status.HTTP_201_CREATED)


class LedgerInstitutionRowSerializer(serializers.Serializer):
    institution = serializers.CharField(source="institution.name")
    code = serializers.UUIDField(source="institution.code")
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    decisions_paid = serializers.IntegerField(source="paid_decisions")
    average_days = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    max_days = serializers.IntegerField(allow_null=True)
    on_time_percent = serializers.IntegerField(allow_null=True)


class LedgerOverdueSerializer(serializers.Serializer):
    decision = serializers.CharField(source="decision.number")
    institution = serializers.CharField(source="decision.claim.institution.name")
    instalment = serializers.IntegerField()
    instalments = serializers.IntegerField()
    due_on = serializers.DateField()
    unpaid = serializers.DecimalField(max_digits=14, decimal_places=2, source="unpaid_yuan")
    days_overdue = serializers.IntegerField()


class LedgerDashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    on_time_percent = serializers.IntegerField(allow_null=True)
    average_days = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    overdue = LedgerOverdueSerializer(many=True)
    institutions = LedgerInstitutionRowSerializer(many=True)


class DashboardView(APIView):
    """The "三到位" figures of the district's year: budget, committed, paid, remaining; payment times per
    institution; overdue instalments (as of today), the longest overdue first."""

    @extend_schema(parameters=[YEAR], responses={200: LedgerDashboardSerializer, **refused("year")})
    def get(self, request: Request, code: str) -> Response:
        region = get_visible_or_404(ledger_regions_of(request.user), code=code)
        year = year_param(request)
        summary = ledger_summary(region, year)
        rows = payments_by_institution(region, year)
        overall = payments_overall(rows)
        data = {
            "year": year,
            "budget": summary.budget,
            "committed": summary.committed,
            "paid": summary.paid,
            "remaining": summary.remaining,
            "on_time_percent": overall.on_time_percent,
            "average_days": overall.average_days,
            "overdue": payments_overdue(region, timezone.localdate()),
            "institutions": rows,
        }
        return Response(LedgerDashboardSerializer(data).data)


urlpatterns = [
    path("regions/<str:code>/subsidy-ledger/", RegionLedgerView.as_view(), name="api-region-subsidy-ledger"),
    path("regions/<str:code>/subsidy-ledger/budget/", BudgetView.as_view(), name="api-region-subsidy-budget"),
    path(
        "regions/<str:code>/subsidy-dashboard/", DashboardView.as_view(), name="api-region-subsidy-dashboard"
    ),
    path(
        "subsidy-decisions/<str:code>/payments/", PaymentView.as_view(), name="api-subsidy-decision-payments"
    ),
    path(
        "subsidy-decisions/<str:code>/refunds/",
        PaymentView.as_view(refund=True),
        name="api-subsidy-decision-refunds",
    ),
]
