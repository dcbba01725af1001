"""On-site inspections through the API: list and start, the record, an item's answer, photos, signatures,
completion and the PDF. Scoped like the pages: the regulators of the institution read and fill in; its
director reads the completed record; anyone else gets 404."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.parsers import DepthSafeJSONParser, validated
from tuoyu.refusals import refused
from tuoyu.supervision.models import Inspection, InspectionItem, InspectionKind, InspectionPhoto, ItemResult
from tuoyu.supervision.pdf import inspection_pdf_response
from tuoyu.supervision.selectors.inspections import (
    checklists_in_use,
    inspections_visible_to,
    institutions_inspectable_by,
    items_of,
)
from tuoyu.supervision.services import inspections as services


class InspectionPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    taken_at = serializers.DateTimeField()

    def get_url(self, photo: InspectionPhoto) -> str:
        return reverse("supervision:inspection_photo", kwargs={"pk": photo.pk})


class InspectionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField(source="item.number")
    dimension = serializers.CharField(source="item.dimension")
    text = serializers.CharField(source="item.text")
    source = serializers.CharField(source="item.source")  # type: ignore[assignment]
    weight = serializers.IntegerField(source="item.weight")
    veto = serializers.BooleanField(source="item.veto")
    configurable = serializers.BooleanField(source="item.configurable")
    prefilled = serializers.CharField(help_text="What Tuoyu's data says: pass, fail, na, or empty.")
    evidence = serializers.CharField(help_text="The data behind the prefill (counts; never a child's name).")
    result = serializers.CharField(help_text="The inspector's answer: pass, fail, na, or empty (unanswered).")
    override_reason = serializers.CharField()
    note = serializers.CharField()
    points = serializers.IntegerField(allow_null=True)
    case = serializers.CharField(source="case.number", allow_null=True, default=None)
    photos = InspectionPhotoSerializer(many=True, source="photos.all")


class InspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    checklist = serializers.CharField(source="checklist.code")
    checklist_name = serializers.CharField(source="checklist.name")
    kind = serializers.CharField()
    status = serializers.CharField()
    inspector = serializers.CharField(source="inspector.display_name")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField(source="checklist.max_score")
    grade = serializers.CharField()
    vetoed = serializers.BooleanField()
    director_name = serializers.CharField()
    inspector_signed = serializers.SerializerMethodField()
    director_signed = serializers.SerializerMethodField()

    def get_inspector_signed(self, inspection: Inspection) -> bool:
        return bool(inspection.inspector_signature)

    def get_director_signed(self, inspection: Inspection) -> bool:
        return bool(inspection.director_signature)


class InspectionDetailSerializer(InspectionSerializer):
    remarks = serializers.CharField()
    items = serializers.SerializerMethodField()

    @extend_schema_field(InspectionItemSerializer(many=True))
    def get_items(self, inspection: Inspection) -> list[dict[str, Any]]:
        return InspectionItemSerializer(items_of(inspection), many=True).data  # type: ignore[return-value]


class InspectionStartSerializer(serializers.Serializer):
    institution = serializers.UUIDField(help_text="The institution's code.")
    checklist = serializers.CharField(max_length=30, help_text="A checklist's code: routine or wst821.")
    kind = serializers.ChoiceField(choices=InspectionKind.choices, default=InspectionKind.ROUTINE)


class ItemAnswerSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=[("", "unanswered"), *ItemResult.choices], allow_blank=True, help_text="pass, fail or na."
    )
    override_reason = serializers.CharField(
        max_length=300,
        allow_blank=True,
        default="",
        help_text="Needed when the result differs from Tuoyu's data (``prefilled``).",
    )
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class InspectionPhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG or PNG photo.")


class SignatureSerializer(serializers.Serializer):
    signer = serializers.ChoiceField(choices=[("inspector", "inspector"), ("director", "director")])
    image = serializers.CharField(
        max_length=2_000_000,
        required=False,
        help_text="The signature drawn on the screen as a data URL (data:image/png;base64,...).",
    )
    file = serializers.FileField(required=False, help_text="Or the signature as a PNG file (multipart).")
    director_name = serializers.CharField(max_length=40, allow_blank=True, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("image") and not data.get("file"):
            raise serializers.ValidationError({"image": "Send the signature as image or file."})
        return data


class CompleteSerializer(serializers.Serializer):
    remarks = serializers.CharField(max_length=2000, allow_blank=True, default="")


def _by_reference(queryset: QuerySet[Inspection], reference: str) -> Inspection:
    """An inspection by its number (检查〔2026〕1号) or its id."""
    condition = Q(number=reference)
    if reference.isdigit():
        condition |= Q(pk=int(reference))
    return get_visible_or_404(queryset.filter(condition))


def _item(request: Request, pk: int, item_id: int) -> InspectionItem:
    inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
    return get_visible_or_404(inspection.items.select_related("item"), pk=item_id)


def _detail(request: Request, inspection: Inspection, answer: int = status.HTTP_200_OK) -> Response:
    inspection = get_visible_or_404(inspections_visible_to(request.user), pk=inspection.pk)
    return Response(InspectionDetailSerializer(inspection).data, status=answer)


class InspectionListView(generics.ListAPIView):
    """GET: the inspections the caller may read, newest first (``?status=in_progress``). POST: start an
    inspection of an institution the caller supervises, every item prefilled from Tuoyu's data."""

    serializer_class = InspectionSerializer
    queryset = Inspection.objects.none()
    filterset_fields = ["status", "kind"]

    def get_queryset(self) -> QuerySet[Inspection]:
        return inspections_visible_to(self.request.user).order_by("-started_at", "-pk")

    @extend_schema(
        request=InspectionStartSerializer,
        responses={201: InspectionDetailSerializer, **refused("invalid", "checklist_not_in_use")},
    )
    def post(self, request: Request) -> Response:
        data = validated(InspectionStartSerializer, request.data)
        institution = get_visible_or_404(institutions_inspectable_by(request.user), code=data["institution"])
        checklist = get_visible_or_404(checklists_in_use(), code=data["checklist"])
        inspection = services.inspection_start(
            institution=institution, checklist=checklist, kind=data["kind"], actor=signed_in_user(request)
        )
        return _detail(request, inspection, status.HTTP_201_CREATED)


class InspectionView(APIView):
    """One inspection with its items, by number (检查〔2026〕1号) or id."""

    @extend_schema(responses=InspectionDetailSerializer)
    def get(self, request: Request, reference: str) -> Response:
        return _detail(request, _by_reference(inspections_visible_to(request.user), reference))


class InspectionItemView(APIView):
    """Answer one item: the result, with a reason when it differs from Tuoyu's data, and a note. The whole
    answer is sent each time, so a change kept on the phone while offline can be sent again as it is."""

    parser_classes = [DepthSafeJSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=InspectionItemSerializer)
    def get(self, request: Request, pk: int, item_id: int) -> Response:
        inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
        item = get_visible_or_404(inspection.items.select_related("item", "case"), pk=item_id)
        return Response(InspectionItemSerializer(item).data)

    @extend_schema(
        request=ItemAnswerSerializer,
        responses={
            200: InspectionItemSerializer,
            **refused("override_reason_required", "inspection_completed"),
        },
    )
    def patch(self, request: Request, pk: int, item_id: int) -> Response:
        item = _item(request, pk, item_id)
        data = validated(ItemAnswerSerializer, request.data)
        item = services.inspection_record_item(item=item, actor=signed_in_user(request), **data)
        return Response(InspectionItemSerializer(item).data)


class InspectionItemPhotosView(APIView):
    """Add a photo to an item (multipart ``file``, JPEG or PNG; at most three per item)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": InspectionPhotoUploadSerializer},
        responses={
            201: InspectionPhotoSerializer,
            **refused("upload_type", "too_many_photos, inspection_completed"),
        },
    )
    def post(self, request: Request, pk: int, item_id: int) -> Response:
        item = _item(request, pk, item_id)
        data = validated(InspectionPhotoUploadSerializer, request.data)
        photo = services.inspection_add_photo(item=item, actor=signed_in_user(request), file=data["file"])
        return Response(InspectionPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class InspectionSignaturesView(APIView):
    """The inspector's or the director's signature, drawn on the screen: a PNG as a data URL (``image``) or
    a file (``file``); the director's with their name."""

    parser_classes = [DepthSafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=SignatureSerializer,
        responses={200: InspectionSerializer, **refused("signature_invalid", "inspection_completed")},
    )
    def post(self, request: Request, pk: int) -> Response:
        inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
        data = validated(SignatureSerializer, request.data)
        inspection = services.inspection_sign(
            inspection=inspection,
            actor=signed_in_user(request),
            signer=data["signer"],
            signature=data.get("file") or data["image"],
            director_name=data["director_name"],
        )
        return Response(InspectionSerializer(inspection).data)


class InspectionCompleteView(APIView):
    """Complete: score, grade (D when a basic item is not met) and a rectification order for each item not
    met, all at once; refused while items are unanswered or a signature is missing."""

    @extend_schema(
        request=CompleteSerializer,
        responses={
            200: InspectionDetailSerializer,
            **refused("invalid", "items_unanswered, signatures_missing, inspection_completed"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        inspection = get_visible_or_404(inspections_visible_to(request.user), pk=pk)
        data = validated(CompleteSerializer, request.data)
        inspection = services.inspection_complete(
            inspection=inspection, actor=signed_in_user(request), remarks=data["remarks"]
        )
        return _detail(request, inspection)


class InspectionPdfView(APIView):
    """The printable record of the inspection (PDF, in Chinese)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        return inspection_pdf_response(get_visible_or_404(inspections_visible_to(request.user), pk=pk))


urlpatterns = [
    path("inspections/", InspectionListView.as_view(), name="api-inspections"),
    path(
        "inspections/<int:pk>/items/<int:item_id>/", InspectionItemView.as_view(), name="api-inspection-item"
    ),
    path(
        "inspections/<int:pk>/items/<int:item_id>/photos/",
        InspectionItemPhotosView.as_view(),
        name="api-inspection-item-photos",
    ),
    path(
        "inspections/<int:pk>/signatures/",
        InspectionSignaturesView.as_view(),
        name="api-inspection-signatures",
    ),
    path("inspections/<int:pk>/complete/", InspectionCompleteView.as_view(), name="api-inspection-complete"),
    path("inspections/<int:pk>/pdf/", InspectionPdfView.as_view(), name="api-inspection-pdf"),
    path("inspections/<str:reference>/", InspectionView.as_view(), name="api-inspection"),
]
