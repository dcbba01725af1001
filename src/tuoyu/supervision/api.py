from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.supervision.models import Finding
from tuoyu.supervision.rules import RULES
from tuoyu.supervision.selectors import open_findings_of


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField(help_text="In the request's language.")
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    severity = serializers.CharField()


class RuleListView(APIView):
    """Every compliance rule: code, title, source and severity. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=RuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(RuleSerializer(list(RULES.values()), many=True).data)


class FindingSerializer(serializers.ModelSerializer):
    rule_title = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["rule_code", "rule_title", "severity", "subject_label", "evidence", "detected_at"]

    def get_rule_title(self, finding: Finding) -> str:
        rule = RULES.get(finding.rule_code)
        return rule.title if rule else finding.rule_code


class InstitutionFindingsView(generics.ListAPIView):
    """An institution's open findings: for its regulator and its own director."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[Finding]:
        institution = get_visible_or_404(
            institutions_visible_to(self.request.user, Perm.VIEW_FINDINGS), code=self.kwargs["code"]
        )
        return open_findings_of(self.request.user, institution.pk)


urlpatterns = [
    path("rules/", RuleListView.as_view(), name="api-rules"),
    path(
        "institutions/<uuid:code>/findings/",
        InstitutionFindingsView.as_view(),
        name="api-institution-findings",
    ),
]
