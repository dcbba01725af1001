"""Fees' API: each area keeps its own block (views and ``urlpatterns``), summed at the end.

Guided prices (the regulator), the meal plan, the statements of a month with their issue, payments and
arrears (the director), and the statements and their PDF (the director and the child's guardians). The same
services and scoping as the pages.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, actor_may, get_visible_or_404, has_perm, signed_in_user
from tuoyu.api_schema import MonthField, YuanField
from tuoyu.enrolment.models import Child
from tuoyu.fees import api_allowance
from tuoyu.fees.forms import MAX_PRICE, MAX_REFERENCE, MAX_SOURCE, MONTHLY_CHOICES
from tuoyu.fees.models import FeeStatement, MealRefund, PaymentMethod
from tuoyu.fees.selectors import (
    arrears_of,
    fee_institutions_visible_to,
    guided_price_districts,
    guided_prices_visible_to,
    meal_plan_of,
    payments_of,
    statement_status,
    statements_of,
    statements_visible_to,
    with_paid,
)
from tuoyu.fees.services import (
    guided_price_add,
    meal_plan_set,
    month_of,
    payment_record,
    statement_issue,
    statements_issue_month,
)
from tuoyu.fees.statements import statement_pdf_bytes, statement_pdf_filename
from tuoyu.pdf import pdf_response
from tuoyu.refusals import refused
from tuoyu.registry.models import Institution

MONTH = OpenApiParameter("month", str, description="YYYY-MM (default: this month).")


def _month(request: Request, field: str = "month") -> datetime.date:
    body = request.data if isinstance(request.data, dict) else {}
    text = request.query_params.get(field) if request.method == "GET" else body.get(field)
    if not text:
        return month_of(timezone.localdate())
    try:
        return datetime.datetime.strptime(str(text), "%Y-%m").date()
    except ValueError:
        raise ValidationError({field: ["A month is written YYYY-MM."]}) from None


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=8, decimal_places=2, max_value=MAX_PRICE, **kwargs)


# Guided prices (the regulator) -----------------------------------------------------------------------------


class GuidedPriceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    region = serializers.CharField(source="region.code", max_length=12, help_text="The district's code.")
    region_name = serializers.CharField(source="region.name", read_only=True)
    service_type = serializers.ChoiceField(choices=MONTHLY_CHOICES)
    price_yuan = _money(min_value=Decimal("0"))
    effective_from = serializers.DateField()
    source_document = serializers.CharField(max_length=MAX_SOURCE)
    is_demo_value = serializers.BooleanField(
        default=False, help_text="Not from a published document (演示值)."
    )


class GuidedPricesView(APIView):
    """The guided prices of the regulator's districts (GET), or a new one (POST): never an edit, a new row
    from a later day replaces the price."""

    def _require(self, request: Request) -> Any:
        actor = signed_in_user(request)
        if not has_perm(actor, Perm.DECIDE_SUBSIDIES):
            raise Http404
        return actor

    @extend_schema(responses=GuidedPriceSerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = self._require(request)
        prices = guided_prices_visible_to(actor).order_by("region__code", "service_type", "-effective_from")
        return Response(GuidedPriceSerializer(prices, many=True).data)

    @extend_schema(
        request=GuidedPriceSerializer,
        responses={
            201: GuidedPriceSerializer,
            **refused("guided_price_service_type", "guided_price_duplicate"),
        },
    )
    def post(self, request: Request) -> Response:
        actor = self._require(request)
        serializer = GuidedPriceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = get_visible_or_404(guided_price_districts(actor), code=data["region"]["code"])
        price = guided_price_add(
            region=region,
            service_type=data["service_type"],
            price_yuan=data["price_yuan"],
            effective_from=data["effective_from"],
            source_document=data["source_document"],
            is_demo_value=data["is_demo_value"],
            actor=actor,
        )
        return Response(GuidedPriceSerializer(price).data, status=status.HTTP_201_CREATED)


guided_price_urls = [
    path("fees/guided-prices/", GuidedPricesView.as_view(), name="api-fees-guided-prices"),
]


# The director's: meal plan, a month's statements, arrears ---------------------------------------------------


def _institution(request: Request, code: str) -> Institution:
    return get_visible_or_404(fee_institutions_visible_to(signed_in_user(request)), code=code)


class MealPlanSerializer(serializers.Serializer):
    price_per_day_yuan = _money(min_value=Decimal("0"))
    refund = serializers.ChoiceField(choices=MealRefund.choices, default=MealRefund.PER_ABSENT_DAY)


class MealPlanView(APIView):
    """The institution's meal plan (GET; 404 until one is set), or set it (PUT)."""

    @extend_schema(responses=MealPlanSerializer)
    def get(self, request: Request, code: str) -> Response:
        institution = _institution(request, code)
        plan = meal_plan_of(institution)
        if plan is None:
            raise Http404
        return Response(MealPlanSerializer(plan).data)

    @extend_schema(request=MealPlanSerializer, responses={200: MealPlanSerializer, **refused("invalid")})
    def put(self, request: Request, code: str) -> Response:
        institution = _institution(request, code)
        serializer = MealPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = meal_plan_set(
            institution=institution,
            price_per_day_yuan=serializer.validated_data["price_per_day_yuan"],
            refund=serializer.validated_data["refund"],
            actor=signed_in_user(request),
        )
        return Response(MealPlanSerializer(plan).data)


class LineSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="tuition, meals, meal_refund, temporary_care or parent_child.")
    label = serializers.CharField()  # type: ignore[assignment]
    quantity = serializers.CharField(
        help_text="A count, or service days in care / service days of the month."
    )
    unit_price_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_yuan = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Negative for a refund."
    )
    detail = serializers.CharField(help_text="How the amount is computed.")
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The part of the fee catalogue the line comes from."
    )


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    amount_yuan = _money(min_value=Decimal("0.01"))
    paid_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(max_length=MAX_REFERENCE, required=False, allow_blank=True, default="")
    recorded_at = serializers.DateTimeField(read_only=True)


class StatementRowSerializer(serializers.Serializer):
    code = serializers.UUIDField()
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    month = MonthField()
    total_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_yuan = YuanField()
    status = serializers.SerializerMethodField(help_text="paid, part_paid or unpaid.")
    issued_at = serializers.DateTimeField()

    def get_due_yuan(self, statement: FeeStatement) -> Decimal:
        return statement.total_yuan - statement.paid_yuan  # type: ignore[attr-defined]

    def get_status(self, statement: FeeStatement) -> str:
        return statement_status(statement.total_yuan, statement.paid_yuan)  # type: ignore[attr-defined]


class StatementSerializer(StatementRowSerializer):
    lines = LineSerializer(many=True)
    payments = serializers.SerializerMethodField()

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, statement: FeeStatement) -> list[dict[str, Any]]:
        return list(PaymentSerializer(payments_of(statement), many=True).data)


class IssueSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", max_length=7, help_text="YYYY-MM.")
    child = serializers.UUIDField(required=False, help_text="One child's statement; without it, the month's.")


class IssuedSerializer(serializers.Serializer):
    issued = serializers.IntegerField()


class InstitutionStatementsView(APIView):
    """The institution's statements of a month (GET), or issue them (POST: the missing ones, and again those
    still unpaid; or one child's)."""

    @extend_schema(parameters=[MONTH], responses=StatementRowSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        institution = _institution(request, code)
        statements = statements_of(institution, _month(request))
        return Response(StatementRowSerializer(statements, many=True).data)

    @extend_schema(
        request=IssueSerializer,
        responses={200: IssuedSerializer, **refused("statement_month_future", "statement_paid")},
    )
    def post(self, request: Request, code: str) -> Response:
        institution = _institution(request, code)
        serializer = IssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        month = _month(request)
        child_code = serializer.validated_data.get("child")
        if child_code is not None:
            actor = signed_in_user(request)
            child = get_visible_or_404(Child.objects.visible_to(actor, Perm.MANAGE_FEES), code=child_code)
            statement_issue(child=child, institution=institution, month=month)
            return Response({"issued": 1})
        count = statements_issue_month(month=month, institution=institution, reissue=True)
        return Response({"issued": count})


class ArrearSerializer(serializers.Serializer):
    statement = serializers.UUIDField(source="statement.code")
    child = serializers.UUIDField(source="statement.child.code")
    child_name = serializers.CharField(source="statement.child.name")
    month = MonthField(source="statement.month")
    total_yuan = serializers.DecimalField(source="statement.total_yuan", max_digits=12, decimal_places=2)
    paid_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    days_since_issue = serializers.IntegerField()


class ArrearsView(APIView):
    """The institution's statements with something still due, oldest month first."""

    @extend_schema(responses=ArrearSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        institution = _institution(request, code)
        return Response(ArrearSerializer(arrears_of(institution, timezone.localdate()), many=True).data)


director_urls = [
    path("fees/institutions/<uuid:code>/meal-plan/", MealPlanView.as_view(), name="api-fees-meal-plan"),
    path(
        "fees/institutions/<uuid:code>/statements/",
        InstitutionStatementsView.as_view(),
        name="api-fees-institution-statements",
    ),
    path("fees/institutions/<uuid:code>/arrears/", ArrearsView.as_view(), name="api-fees-arrears"),
]


# Statements (the director and the child's guardians) --------------------------------------------------------


def _statement(request: Request, code: str) -> FeeStatement:
    return get_visible_or_404(with_paid(statements_visible_to(signed_in_user(request))), code=code)


def _managed(request: Request, code: str) -> FeeStatement:
    statement = _statement(request, code)
    if not actor_may(signed_in_user(request), Perm.MANAGE_FEES, statement.institution_id):
        raise Http404
    return statement


class StatementsView(APIView):
    """The statements the user sees: those of their own children, and those of the institutions whose fees
    they manage; latest month first (``?month=`` for one month)."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (optional).")],
        responses=StatementRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        statements = with_paid(statements_visible_to(signed_in_user(request)))
        if request.query_params.get("month"):
            statements = statements.filter(month=_month(request))
        return Response(StatementRowSerializer(statements[:500], many=True).data)


class StatementView(APIView):
    """One statement: its lines, total, what is paid and due, the payments recorded."""

    @extend_schema(responses=StatementSerializer)
    def get(self, request: Request, code: str) -> Response:
        return Response(StatementSerializer(_statement(request, code)).data)


class StatementPdfView(APIView):
    """The statement as a PDF (缴费通知单, in Chinese)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, code: str) -> HttpResponse:
        statement = _statement(request, code)
        return pdf_response(statement_pdf_bytes(statement), statement_pdf_filename(statement))


class StatementReissueView(APIView):
    """Issue the statement again from the current data (refused once a payment is recorded)."""

    @extend_schema(request=None, responses={200: StatementSerializer, **refused("invalid", "statement_paid")})
    def post(self, request: Request, code: str) -> Response:
        statement = _managed(request, code)
        statement_issue(child=statement.child, institution=statement.institution, month=statement.month)
        return Response(StatementSerializer(_statement(request, code)).data)


class StatementPaymentsView(APIView):
    """The payments recorded against the statement (GET), or record one received (POST)."""

    @extend_schema(responses=PaymentSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        return Response(PaymentSerializer(payments_of(_managed(request, code)), many=True).data)

    @extend_schema(
        request=PaymentSerializer,
        responses={201: PaymentSerializer, **refused("overpayment, payment_in_future", "overpayment")},
    )
    def post(self, request: Request, code: str) -> Response:
        statement = _managed(request, code)
        serializer = PaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = payment_record(
            statement=statement,
            amount_yuan=data["amount_yuan"],
            paid_on=data["paid_on"],
            method=data["method"],
            reference=data["reference"],
            actor=signed_in_user(request),
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


statement_urls = [
    path("fees/statements/", StatementsView.as_view(), name="api-fees-statements"),
    path("fees/statements/<uuid:code>/", StatementView.as_view(), name="api-fees-statement"),
    path("fees/statements/<uuid:code>/pdf/", StatementPdfView.as_view(), name="api-fees-statement-pdf"),
    path(
        "fees/statements/<uuid:code>/reissue/",
        StatementReissueView.as_view(),
        name="api-fees-statement-reissue",
    ),
    path(
        "fees/statements/<uuid:code>/payments/",
        StatementPaymentsView.as_view(),
        name="api-fees-statement-payments",
    ),
]

# The childcare allowance helper (育儿补贴) has its own module.
urlpatterns = [*guided_price_urls, *director_urls, *statement_urls, *api_allowance.urlpatterns]
