"""Cases in the API: the list and one case with its timeline, rectification orders issued, answered with
evidence, verified or returned; the desk's counts."""

import uuid
from typing import Any

from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, has_perm, signed_in_user
from tuoyu.cases.models import Case, CaseAttachment, CaseEvent
from tuoyu.cases.selectors import (
    attachments_readable,
    cases_visible_to,
    may_act_for_institution,
    may_act_for_regulator,
    timeline_of,
)
from tuoyu.cases.services import MAX_ATTACHMENTS
from tuoyu.parsers import validated
from tuoyu.refusals import refused
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.supervision.casekinds import RECTIFICATION
from tuoyu.supervision.forms.rectification import MAX_NOTE
from tuoyu.supervision.selectors import desk
from tuoyu.supervision.selectors.cases import action_label, is_overdue
from tuoyu.supervision.selectors.findings import findings_visible_to
from tuoyu.supervision.services import rectification
from tuoyu.supervision.services.rectification import MAX_DEADLINE_DAYS
from tuoyu.uploads import serve_upload


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    kind = serializers.CharField()
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    subject = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    opened_at = serializers.DateTimeField()
    deadline = serializers.DateField(allow_null=True)
    deadline_days = serializers.IntegerField(help_text="Working days given; 0 for none.")
    deadline_year_unknown = serializers.IntegerField(
        allow_null=True,
        help_text="When the deadline falls in a year whose holidays are not published yet: that year (and "
        "``deadline`` is null).",
    )
    overdue = serializers.SerializerMethodField(
        help_text="Open, past its deadline, waiting for the institution."
    )
    escalation = serializers.CharField(source="get_escalation_display")
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, case: Case) -> bool:
        return is_overdue(case, timezone.localdate())


class CaseAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: CaseAttachment) -> str:
        return reverse(
            "api-case-attachment", kwargs={"pk": attachment.event.case_id, "attachment": attachment.pk}
        )


class CaseEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field named like Field.label
    by = serializers.SerializerMethodField()
    status_after = serializers.CharField()
    note = serializers.CharField()
    attachments = CaseAttachmentSerializer(many=True, source="attachments.all")

    def get_label(self, event: CaseEvent) -> str:
        return action_label(event.case, event.action)

    def get_by(self, event: CaseEvent) -> str | None:
        return event.actor.display_name if event.actor else None


class CaseDetailSerializer(CaseSerializer):
    detail = serializers.CharField()
    source_label = serializers.CharField()
    rule_code = serializers.CharField()
    finding_resolved_at = serializers.SerializerMethodField(
        help_text="For an order issued from a finding that the data has since resolved: when. The order "
        "still closes only on the regulator's verification."
    )
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_finding_resolved_at(self, case: Case) -> Any:
        finding = rectification.finding_of(case) if case.kind == RECTIFICATION else None
        return finding.resolved_at if finding is not None else None

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_timeline(self, case: Case) -> list[dict[str, Any]]:
        return CaseEventSerializer(timeline_of(case, self.context["actor"]), many=True).data  # type: ignore[return-value]


def _case(request: Request, pk: int) -> Case:
    return get_visible_or_404(cases_visible_to(request.user), pk=pk)


def _detail(request: Request, case: Case, code: int = status.HTTP_200_OK) -> Response:
    case.refresh_from_db()
    return Response(CaseDetailSerializer(case, context={"actor": request.user}).data, status=code)


class CaseListView(generics.ListAPIView):
    """The cases the actor sees (a regulator: their region's; a director: their institution's rectification
    orders, never complaints), newest first; ``?kind=``, ``?status=``, ``?institution=`` (its code)."""

    serializer_class = CaseSerializer
    queryset = Case.objects.none()  # for the schema; get_queryset scopes every request

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description="rectification or complaint"),
            OpenApiParameter("status", str, description="A state of the kind, e.g. issued, answered."),
            OpenApiParameter("institution", str, description="The institution's code."),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        params = self.request.query_params
        cases = cases_visible_to(self.request.user).order_by("-opened_at", "-pk")
        if kind := params.get("kind"):
            cases = cases.filter(kind=kind)
        if state := params.get("status"):
            cases = cases.filter(status=state)
        if code := params.get("institution"):
            try:
                cases = cases.filter(institution__code=uuid.UUID(code))
            except ValueError:  # not an institution's code: nothing matches
                return cases.none()
        return cases


class CaseDetailView(APIView):
    """One case with the timeline the actor may read (the institution never reads internal notes)."""

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, _case(request, pk))


class RectificationIssueSerializer(serializers.Serializer):
    requirement = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True, default="")
    deadline_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_DEADLINE_DAYS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Working days; by default by severity (policy values rectification.deadline.*).",
    )


class RectificationIssueTypedSerializer(RectificationIssueSerializer):
    subject = serializers.CharField(max_length=200)


class FindingRectificationView(APIView):
    """Issue a 整改通知 from an open finding (regulators of its region)."""

    @extend_schema(
        request=RectificationIssueSerializer,
        responses={
            201: CaseDetailSerializer,
            **refused("rectification_deadline_out_of_range", "case_already_open"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        finding = get_visible_or_404(
            findings_visible_to(request.user).filter(
                institution__in=institutions_visible_to(request.user, Perm.SUPERVISE_REGION)
            ),
            pk=pk,
        )
        data = validated(RectificationIssueSerializer, request.data)
        case = rectification.rectification_issue_for_finding(
            finding=finding,
            actor=signed_in_user(request),
            requirement=data["requirement"],
            deadline_days=data["deadline_days"],
        )
        return _detail(request, case, status.HTTP_201_CREATED)


class InstitutionRectificationView(APIView):
    """Issue a 整改通知 that comes from no finding: the subject said by the regulator."""

    @extend_schema(
        request=RectificationIssueTypedSerializer,
        responses={201: CaseDetailSerializer, **refused("rectification_subject_required")},
    )
    def post(self, request: Request, code: str) -> Response:
        institution = get_visible_or_404(
            institutions_visible_to(request.user, Perm.SUPERVISE_REGION), code=code
        )
        data = validated(RectificationIssueTypedSerializer, request.data)
        case = rectification.rectification_issue(
            institution=institution,
            subject=data["subject"],
            actor=signed_in_user(request),
            requirement=data["requirement"],
            deadline_days=data["deadline_days"],
        )
        return _detail(request, case, status.HTTP_201_CREATED)


class RectificationAnswerSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE, help_text="What was done.")
    evidence = serializers.ListField(
        child=serializers.FileField(),
        max_length=MAX_ATTACHMENTS,
        required=False,
        default=list,
        help_text="Photos (JPEG, PNG) or PDFs, at most six.",
    )


class AnswerView(APIView):
    """The director answers an order: what was done, with evidence files (multipart)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": RectificationAnswerSerializer},
        responses={200: CaseDetailSerializer, **refused("case_note_required", "case_action_unknown")},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        if not may_act_for_institution(request.user, case) or case.kind != RECTIFICATION:
            raise Http404
        data = validated(RectificationAnswerSerializer, request.data)
        rectification.rectification_answer(
            case=case, actor=signed_in_user(request), note=data["note"], evidence=data["evidence"]
        )
        return _detail(request, case)


class RectificationVerifySerializer(serializers.Serializer):
    on_site = serializers.BooleanField(default=False, help_text="Verified on site (else on paper).")
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True, default="")


class VerifyView(APIView):
    """The regulator verifies (on site or on paper) and closes the order."""

    @extend_schema(
        request=RectificationVerifySerializer,
        responses={200: CaseDetailSerializer, **refused("case_action_unknown")},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        if not may_act_for_regulator(request.user, case) or case.kind != RECTIFICATION:
            raise Http404
        data = validated(RectificationVerifySerializer, request.data)
        rectification.rectification_verify(
            case=case, actor=signed_in_user(request), note=data["note"], on_site=data["on_site"]
        )
        return _detail(request, case)


class RectificationReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE, help_text="What is still missing.")


class ReturnView(APIView):
    """The regulator returns the answer: what is still missing."""

    @extend_schema(
        request=RectificationReturnSerializer,
        responses={200: CaseDetailSerializer, **refused("case_note_required", "case_action_unknown")},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        if not may_act_for_regulator(request.user, case) or case.kind != RECTIFICATION:
            raise Http404
        data = validated(RectificationReturnSerializer, request.data)
        rectification.rectification_return(case=case, actor=signed_in_user(request), note=data["note"])
        return _detail(request, case)


class CaseAttachmentView(APIView):
    """A file of a step the actor may read."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    def get(self, request: Request, pk: int, attachment: int) -> FileResponse:
        case = _case(request, pk)
        found = get_visible_or_404(attachments_readable(case, request.user), pk=attachment)
        return serve_upload(found.file, download_name=found.name)


class DeskCountsSerializer(serializers.Serializer):
    filings = serializers.IntegerField(help_text="Filings waiting for review.")
    findings = serializers.IntegerField(help_text="Institutions with open findings.")
    rectifications = serializers.IntegerField(help_text="Orders overdue or awaiting verification.")
    complaints = serializers.IntegerField(help_text="Complaints received and not started.")
    outbreaks = serializers.IntegerField(help_text="Active outbreaks.")
    certificates = serializers.IntegerField(help_text="Certificates expiring soon.")


class DeskView(APIView):
    """The regulator's desk in counts: what to act on now."""

    @extend_schema(responses=DeskCountsSerializer)
    def get(self, request: Request) -> Response:
        if not has_perm(request.user, Perm.SUPERVISE_REGION):
            raise Http404
        return Response(DeskCountsSerializer(desk.desk_counts(request.user, timezone.localdate())).data)


urlpatterns = [
    path("cases/", CaseListView.as_view(), name="api-cases"),
    path("cases/<int:pk>/", CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/answer/", AnswerView.as_view(), name="api-case-answer"),
    path("cases/<int:pk>/verify/", VerifyView.as_view(), name="api-case-verify"),
    path("cases/<int:pk>/return/", ReturnView.as_view(), name="api-case-return"),
    path(
        "cases/<int:pk>/attachments/<int:attachment>/",
        CaseAttachmentView.as_view(),
        name="api-case-attachment",
    ),
    path(
        "findings/<int:pk>/rectification/",
        FindingRectificationView.as_view(),
        name="api-finding-rectification",
    ),
    path(
        "institutions/<uuid:code>/rectifications/",
        InstitutionRectificationView.as_view(),
        name="api-institution-rectifications",
    ),
    path("desk/", DeskView.as_view(), name="api-desk"),
]
