from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.rules import RULES
from tuoyu.supervision.models import FOUND_ON_SITE, Finding
from tuoyu.supervision.selectors.findings import FindingRow, open_finding_rows


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField(help_text="In the request's language.")
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    severity = serializers.CharField()
    refused_with = serializers.ListField(
        child=serializers.CharField(),
        help_text="For a rule applied when data is written: the refusal codes the API answers with. "
        "Empty for a rule evaluated on the data, whose breaches are findings.",
    )


class RuleListView(APIView):
    """Every compliance rule: code, title, source, severity and, for a rule applied when data is written,
    its refusal codes. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=RuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(RuleSerializer(list(RULES.values()), many=True).data)


class FindingSerializer(serializers.Serializer):
    rule_code = serializers.CharField()
    rule_title = serializers.SerializerMethodField()
    severity = serializers.CharField()
    subject_label = serializers.CharField()
    evidence = serializers.CharField()
    detected_at = serializers.DateTimeField()
    children = serializers.IntegerField(
        allow_null=True,
        help_text="For a regulator: how many children the row counts (their names and health stay with the "
        "institution). Null for a finding about one institution, class, staff member or day.",
    )

    def get_rule_title(self, row: FindingRow) -> str:
        rule = RULES.get(row.rule_code)
        if rule is None:
            return (
                str(_("Found on site by an inspection")) if row.rule_code == FOUND_ON_SITE else row.rule_code
            )
        return rule.title


class InstitutionFindingsView(generics.ListAPIView):
    """An institution's open findings: for its regulator (counts, no child's name or health detail) and its
    own director (in full)."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        institution = get_visible_or_404(
            institutions_visible_to(self.request.user, Perm.VIEW_FINDINGS), code=self.kwargs["code"]
        )
        return open_finding_rows(self.request.user, institution.pk)


urlpatterns = [
    path("rules/", RuleListView.as_view(), name="api-rules"),
    path(
        "institutions/<uuid:code>/findings/",
        InstitutionFindingsView.as_view(),
        name="api-institution-findings",
    ),
]
