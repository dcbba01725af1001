"""The public record of an institution: its completed inspections of the last five years."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404
from tuoyu.registry.selectors import institutions_public
from tuoyu.supervision.selectors.public_record import public_inspection_record


class FailedItemSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The checklist item, in its own words.")
    rectification_status = serializers.CharField(
        help_text="The state of the rectification order for the item (issued, answered, returned, "
        "verified); empty when none was issued."
    )
    rectification_label = serializers.CharField(help_text="The same, in the request's language.")


class InspectionRecordSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField(help_text="routine, quality, follow_up or complaint.")
    kind_label = serializers.CharField()
    grade = serializers.CharField()
    failed_items = FailedItemSerializer(many=True)


class InstitutionInspectionsView(APIView):
    """Public: the completed inspections of the last five years of an institution of the public directory,
    newest first (date, kind, grade, the items it failed and their rectification). Never a child's data."""

    permission_classes = [AllowAny]

    @extend_schema(responses=InspectionRecordSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(institutions_public(), code=code)
        record = public_inspection_record(institution, timezone.localdate())
        return Response(InspectionRecordSerializer(record, many=True).data)


urlpatterns = [
    path(
        "institutions/<uuid:code>/inspections/",
        InstitutionInspectionsView.as_view(),
        name="api-institution-inspections",
    ),
]
