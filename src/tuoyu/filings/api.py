"""The filings API: everything the filing pages do, for an institution's software or a city app.

An institution's director (``prepare_filing``) starts a filing, fills in the 备案书, attaches the materials
and submits it; the district's regulator (``review_filing``) approves it or returns it with a reason per item.
Scoping is the pages': a filing is seen by those who prepare or review it, each action is open to those who
may take it, and anyone else gets 404. Refusals answer 400/409 with ``{"code", "detail"}``. The decisions the
regulator published are public.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.http import FileResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, actor_may, get_visible_or_404, signed_in_user
from tuoyu.filings import services
from tuoyu.filings.forms import RETURN_ITEMS, return_items
from tuoyu.filings.models import (
    Filing,
    FilingKind,
    FilingMaterial,
    FilingState,
    MaterialKind,
    ReturnReason,
)
from tuoyu.filings.selectors import (
    PublishedDecision,
    current_materials,
    filings_visible_to,
    is_overdue,
    material_get_for,
    published_decisions,
)
from tuoyu.parsers import validated
from tuoyu.refusals import refused
from tuoyu.registry.models import ServiceType
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.uploads import serve_upload

REASON_MAX_LENGTH = 2000

# Reading -----------------------------------------------------------------------------------------------


class ServicePriceSerializer(serializers.Serializer):
    """A service with its price; the unit (per month, per hour) is not chosen here but kept."""

    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    price_yuan = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0"))
    price_unit = serializers.CharField(read_only=True, help_text="month, or hour for hourly care")


class FilingSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    services = ServicePriceSerializer(source="service_types", many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Filing
        fields = [
            "code",
            "institution",
            "institution_name",
            "kind",
            "state",
            "name",
            "address",
            "director_name",
            "filed_places",
            "services",
            "serves_meals",
            "resettlement",
            "commitment_accepted_at",
            "version",
            "submitted_at",
            "review_deadline",
            "overdue",
            "decided_at",
            "receipt_no",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, filing: Filing) -> bool:
        return is_overdue(filing, timezone.localdate())


# A health evaluation's rating by its values alone: in Chinese its labels are those of an entry
# examination's result (合格/不合格), and the schema would give one choice set two names.
RATINGS = FilingMaterial.Rating.values
RATING_HELP = "For a health evaluation: pass (合格) or fail (不合格)."


class MaterialSerializer(serializers.ModelSerializer):
    # Declared, so that the schema says they may be blank (a model field read only would not).
    tenure = serializers.ChoiceField(
        choices=FilingMaterial.Tenure.choices, allow_blank=True, read_only=True, help_text="For the premises."
    )
    rating = serializers.ChoiceField(choices=RATINGS, allow_blank=True, read_only=True, help_text=RATING_HELP)
    url = serializers.SerializerMethodField()

    class Meta:
        model = FilingMaterial
        fields = [
            "code",
            "kind",
            "original_name",
            "content_type",
            "valid_until",
            "tenure",
            "lease_start",
            "lease_end",
            "rating",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, material: FilingMaterial) -> str:
        return reverse("api-filing-material", kwargs={"code": material.code})


class ProblemSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="The field, material kind, or staff concerned.")
    message = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=list(RETURN_ITEMS))
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    snapshot = serializers.DictField(help_text="What the filing said when it was submitted.")
    reasons = ReasonSerializer(many=True, help_text="Why this version was returned (empty if it was not).")


class FilingDetailSerializer(FilingSerializer):
    """A filing with its current materials, what stops its submission, and every version submitted."""

    materials = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    may_prepare = serializers.SerializerMethodField()
    may_review = serializers.SerializerMethodField()

    class Meta(FilingSerializer.Meta):
        fields = [
            *FilingSerializer.Meta.fields,
            "materials",
            "problems",
            "versions",
            "may_prepare",
            "may_review",
        ]
        read_only_fields = fields

    def _may(self, filing: Filing, perm: Perm) -> bool:
        return actor_may(self.context["request"].user, perm, filing.institution_id)

    @extend_schema_field(MaterialSerializer(many=True))
    def get_materials(self, filing: Filing) -> list[dict[str, Any]]:
        """The latest material of each kind, as submission takes them."""
        return list(MaterialSerializer(current_materials(filing).values(), many=True).data)

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, filing: Filing) -> list[dict[str, Any]]:
        """What stops submission (for whoever prepares an editable filing; empty otherwise)."""
        if not (filing.is_editable and self._may(filing, Perm.PREPARE_FILING)):
            return []
        return list(ProblemSerializer(services.filing_problems(filing), many=True).data)

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, filing: Filing) -> list[dict[str, Any]]:
        """Every submission, the latest first, with the reasons it was returned with."""
        reasons: dict[int, list[ReturnReason]] = {}
        for reason in filing.return_reasons.order_by("version", "item"):
            reasons.setdefault(reason.version, []).append(reason)
        versions = [
            {
                "number": version.number,
                "submitted_at": version.submitted_at,
                "snapshot": version.snapshot,
                "reasons": reasons.get(version.number, []),
            }
            for version in filing.versions.order_by("-number")
        ]
        return list(VersionSerializer(versions, many=True).data)

    def get_may_prepare(self, filing: Filing) -> bool:
        """The caller may change, attach to and submit this filing now."""
        return filing.is_editable and self._may(filing, Perm.PREPARE_FILING)

    def get_may_review(self, filing: Filing) -> bool:
        """The caller may approve or return this filing now."""
        return filing.state == FilingState.SUBMITTED and self._may(filing, Perm.REVIEW_FILING)


def _detail(request: Request, filing: Filing, answer: int = status.HTTP_200_OK) -> Response:
    return Response(FilingDetailSerializer(filing, context={"request": request}).data, status=answer)


def _filing(request: Request, code: str) -> Filing:
    return get_visible_or_404(filings_visible_to(request.user), code=code)


def _filing_to(request: Request, code: str, perm: Perm) -> Filing:
    """A filing the caller may prepare (``prepare_filing``) or review (``review_filing``); else 404."""
    institutions = institutions_visible_to(request.user, perm)
    return get_visible_or_404(
        filings_visible_to(request.user).filter(institution__in=institutions), code=code
    )


# Listing and starting ----------------------------------------------------------------------------------


class FilingStartSerializer(serializers.Serializer):
    institution = serializers.UUIDField(help_text="The code of an institution the caller files for.")
    kind = serializers.ChoiceField(choices=FilingKind.choices)


class FilingListView(generics.ListAPIView):
    """GET: the filings the caller prepares or reviews, the unsubmitted and the latest submitted first
    (``?state=submitted`` for the review queue, ``?kind=``). POST: start a filing of an institution the
    caller files for, prefilled with its current particulars."""

    serializer_class = FilingSerializer
    queryset = Filing.objects.none()
    filterset_fields = ["state", "kind"]

    def get_queryset(self) -> QuerySet[Filing]:
        return filings_visible_to(self.request.user).order_by(
            F("submitted_at").desc(nulls_first=True), "-created_at"
        )

    @extend_schema(
        request=FilingStartSerializer,
        responses={
            201: FilingDetailSerializer,
            **refused("already_filed, not_filed", "filing_in_progress"),
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(FilingStartSerializer, request.data)
        institution = get_visible_or_404(
            institutions_visible_to(request.user, Perm.PREPARE_FILING),
            code=data["institution"],
        )
        filing = services.filing_start(
            actor=signed_in_user(request), institution=institution, kind=data["kind"]
        )
        return _detail(request, filing, status.HTTP_201_CREATED)


# One filing: the 备案书 and the materials ----------------------------------------------------------------


class FilingUpdateSerializer(serializers.Serializer):
    """The 备案书 fields; a field left out keeps its value."""

    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    director_name = serializers.CharField(max_length=50)
    filed_places = serializers.IntegerField(min_value=1, max_value=10000)
    services = serializers.ListField(
        child=ServicePriceSerializer(),
        max_length=len(ServiceType.choices),
        help_text="Each service offered with its price (the unit is the institution's).",
    )
    serves_meals = serializers.BooleanField()
    resettlement = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        allow_blank=True,
        help_text="For a cancellation: how the children were resettled (ignored for other kinds).",
    )
    commitment_accepted = serializers.BooleanField(
        help_text="The 备案承诺书 is accepted (recorded with its time)."
    )

    def validate_services(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kinds = [service["service_type"] for service in value]
        if len(kinds) != len(set(kinds)):
            raise ValidationError(_("Give each service type once."))
        return value


class FilingView(APIView):
    """GET: one filing, for those who prepare or review it. PATCH: change its 备案书 fields (the institution's
    director, while it is a draft or returned)."""

    @extend_schema(responses=FilingDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        return _detail(request, _filing(request, code))

    @extend_schema(
        request=FilingUpdateSerializer,
        responses={200: FilingDetailSerializer, **refused("invalid", "filing_not_editable")},
    )
    def patch(self, request: Request, code: str) -> Response:
        filing = _filing_to(request, code, Perm.PREPARE_FILING)
        data = FilingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        services.filing_update(
            actor=signed_in_user(request),
            filing=filing,
            name=given.get("name", filing.name),
            address=given.get("address", filing.address),
            director_name=given.get("director_name", filing.director_name),
            filed_places=given.get("filed_places", filing.filed_places),
            services=(
                {s["service_type"]: s["price_yuan"] for s in given["services"]}
                if "services" in given
                else {s["service_type"]: Decimal(s["price_yuan"]) for s in filing.service_types}
            ),
            serves_meals=given.get("serves_meals", filing.serves_meals),
            resettlement=(
                given.get("resettlement", filing.resettlement)
                if filing.kind == FilingKind.DEREGISTRATION
                else ""
            ),
            commitment_accepted=given.get("commitment_accepted", filing.commitment_accepted_at is not None),
        )
        return _detail(request, filing)


class MaterialUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    file = serializers.FileField(help_text="PDF, JPEG or PNG (by its bytes), at most 20 MB.")
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    tenure = serializers.ChoiceField(
        choices=FilingMaterial.Tenure.choices, required=False, allow_blank=True, default=""
    )
    lease_start = serializers.DateField(required=False, allow_null=True, default=None)
    lease_end = serializers.DateField(required=False, allow_null=True, default=None)
    rating = serializers.ChoiceField(
        choices=RATINGS, required=False, allow_blank=True, default="", help_text=RATING_HELP
    )


class FilingMaterialsView(APIView):
    """Attach a material (multipart ``file`` with its ``kind`` and facts); a newer one of the same kind
    replaces the older in the filing, and both are kept."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=MaterialUploadSerializer,
        responses={201: MaterialSerializer, **refused("invalid", "filing_not_editable")},
    )
    def post(self, request: Request, code: str) -> Response:
        filing = _filing_to(request, code, Perm.PREPARE_FILING)
        data = validated(MaterialUploadSerializer, request.data)
        material = services.filing_attach(
            actor=signed_in_user(request),
            filing=filing,
            kind=data["kind"],
            upload=data["file"],
            valid_until=data["valid_until"],
            tenure=data["tenure"],
            lease_start=data["lease_start"],
            lease_end=data["lease_end"],
            rating=data["rating"],
        )
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


class MaterialFileView(APIView):
    """A material's file, for those who prepare or review its filing."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    def get(self, request: Request, code: str) -> FileResponse:
        material = material_get_for(request.user, code)
        return serve_upload(material.file, download_name=material.original_name)


# Submission and review ---------------------------------------------------------------------------------


class FilingSubmitView(APIView):
    """Submit for review: refused (``filing_incomplete``) with a line per missing or expired item; the
    filing's ``problems`` list them item by item."""

    @extend_schema(
        request=None,
        responses={
            200: FilingDetailSerializer,
            **refused("invalid", "filing_incomplete, filing_not_editable"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        filing = _filing_to(request, code, Perm.PREPARE_FILING)
        return _detail(request, services.filing_submit(actor=signed_in_user(request), filing=filing))


class FilingApproveView(APIView):
    """Approve: a receipt is issued and the filed particulars take effect (the district's regulator)."""

    @extend_schema(
        request=None, responses={200: FilingDetailSerializer, **refused("invalid", "not_awaiting_review")}
    )
    def post(self, request: Request, code: str) -> Response:
        filing = _filing_to(request, code, Perm.REVIEW_FILING)
        return _detail(request, services.filing_approve(actor=signed_in_user(request), filing=filing))


class ReturnSerializer(serializers.Serializer):
    reasons = serializers.ListField(
        child=ReasonSerializer(),
        max_length=len(RETURN_ITEMS),
        help_text="A reason per item to correct; items without a reason are left out.",
    )
    publish = serializers.BooleanField(
        default=False, help_text="Publish the decision on the public list (备案办法 art. 9)."
    )


class FilingReturnView(APIView):
    """Return for correction with a reason per item (the district's regulator)."""

    @extend_schema(
        request=ReturnSerializer,
        responses={200: FilingDetailSerializer, **refused("return_reason_missing", "not_awaiting_review")},
    )
    def post(self, request: Request, code: str) -> Response:
        filing = _filing_to(request, code, Perm.REVIEW_FILING)
        data = validated(ReturnSerializer, request.data)
        items = {key for key, _label in return_items(filing)}
        reasons = data["reasons"]
        given = [reason["item"] for reason in reasons]
        if not set(given) <= items:
            unknown = ", ".join(sorted(set(given) - items))
            raise ValidationError(
                {"reasons": [_("Not an item of this filing: %(items)s.") % {"items": unknown}]}
            )
        if len(given) != len(set(given)):
            raise ValidationError({"reasons": [_("Give each item's reason once.")]})
        filing = services.filing_return(
            actor=signed_in_user(request),
            filing=filing,
            reasons={reason["item"]: reason["reason"] for reason in reasons},
            publish=data["publish"],
        )
        return _detail(request, filing)


# The public decisions ----------------------------------------------------------------------------------


class DecisionSerializer(serializers.Serializer):
    filing = serializers.UUIDField(source="filing.code")
    institution_name = serializers.CharField(source="filing.institution.name")
    kind = serializers.ChoiceField(source="filing.kind", choices=FilingKind.choices)
    version = serializers.IntegerField()
    decided_at = serializers.DateTimeField()
    reasons = serializers.ListField(child=serializers.CharField())
    approved_since = serializers.SerializerMethodField()

    def get_approved_since(self, decision: PublishedDecision) -> datetime.date | None:
        """The day the filing was corrected and approved, if it was since."""
        filing = decision.filing
        if filing.state != FilingState.APPROVED or filing.decided_at is None:
            return None
        return timezone.localdate(filing.decided_at)


class DecisionListView(generics.ListAPIView):
    """Public: the filings the regulator found not to meet the requirements and chose to publish (备案办法
    art. 9), the newest first."""

    permission_classes = [AllowAny]
    serializer_class = DecisionSerializer
    queryset = ReturnReason.objects.none()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(published_decisions())
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)


urlpatterns = [
    path("filings/", FilingListView.as_view(), name="api-filings"),
    path("filings/decisions/", DecisionListView.as_view(), name="api-filing-decisions"),
    path("filings/materials/<uuid:code>/", MaterialFileView.as_view(), name="api-filing-material"),
    path("filings/<uuid:code>/", FilingView.as_view(), name="api-filing"),
    path("filings/<uuid:code>/materials/", FilingMaterialsView.as_view(), name="api-filing-materials"),
    path("filings/<uuid:code>/submit/", FilingSubmitView.as_view(), name="api-filing-submit"),
    path("filings/<uuid:code>/approve/", FilingApproveView.as_view(), name="api-filing-approve"),
    path("filings/<uuid:code>/return/", FilingReturnView.as_view(), name="api-filing-return"),
]
