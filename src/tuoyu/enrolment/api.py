"""The enrolment API: everything a guardian or a director does on the pages, for a city app or mini-program.

Scoping is the same as the pages: a guardian reaches only their own children (404 otherwise), a director
only their institution's queue and rosters. Refusals answer 400/409 with ``{"code", "detail"}``.
"""

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import get_visible_or_404, signed_in_user
from tuoyu.enrolment import privacy, services
from tuoyu.enrolment.access_log import LogsHealthReads, health_record_read
from tuoyu.enrolment.finder import FinderFilter, FinderFit, finder_fit, finder_queryset
from tuoyu.enrolment.models import (
    AccessChannel,
    Application,
    CareTask,
    Child,
    EntryExam,
    Offer,
    PickupPerson,
    Placement,
    PrivacyNotice,
    QueuePriority,
    Relation,
)
from tuoyu.enrolment.selectors import (
    applications_visible_to,
    classes_with_children_visible_to,
    current_notice,
    has_current_consent,
    may_see_sensitive_data,
    offers_visible_to,
    open_tasks_visible_to,
    placements_visible_to,
    priorities_of,
    queue_position,
    roster_of,
)
from tuoyu.parsers import CappedManyRelatedField, validated
from tuoyu.refusals import Refusal, refused
from tuoyu.registry.api import PublicInstitutionSerializer
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import institutions_public

# The finder --------------------------------------------------------------------------------------------


class VacancySerializer(serializers.Serializer):
    age_band = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    capacity = serializers.IntegerField()
    vacancy = serializers.IntegerField()


class FinderClassSerializer(serializers.ModelSerializer):
    vacancy = serializers.IntegerField()

    class Meta:
        model = CareClass
        fields = ["age_band", "capacity", "vacancy"]


class FinderInstitutionSerializer(PublicInstitutionSerializer):
    classes = FinderClassSerializer(many=True)  # type: ignore[assignment]
    vacancies = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    class Meta(PublicInstitutionSerializer.Meta):
        fields = [*PublicInstitutionSerializer.Meta.fields, "vacancies", "distance_km"]

    @extend_schema(responses=VacancySerializer(many=True))
    def get_vacancies(self, institution: Institution) -> list[dict[str, Any]]:
        fit: FinderFit = self.context.get("fit") or FinderFit()
        return [vars(v) for v in fit.vacancies(list(institution.classes.all()))]

    def get_distance_km(self, institution: Institution) -> float | None:
        distance = getattr(institution, "distance_km", None)
        return None if distance is None else round(distance, 2)


class FinderView(generics.ListAPIView):
    """Filed, operating institutions with live vacancies per age band.

    Filters: ``age_months`` (→ eligible bands), ``has_vacancy``, ``service_type``, ``district`` (a district or
    county code) and ``street`` (a street or town code; one outside the chosen district is ignored), ``near``
    (``lat,lon``, sorts by distance) with ``radius_km``, ``price_min``/``price_max`` (of the chosen service,
    full-day care by default), ``inclusive``, ``medical_integrated``, ``provider_model``, ``age_band``.
    """

    permission_classes = [AllowAny]
    serializer_class = FinderInstitutionSerializer
    filterset_class = FinderFilter
    queryset = Institution.objects.none()

    def get_queryset(self) -> QuerySet[Institution]:
        return finder_queryset()  # per request: vacancies are counted at the time of asking

    def get_serializer_context(self) -> dict[str, Any]:
        """A signed-in guardian sees the vacancies of the bands that fit their children (or ``child``)."""
        fit = finder_fit(self.request.user, self.request.query_params.get("child"))
        return {**super().get_serializer_context(), "fit": fit}


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = QueuePriority
        fields = ["id", "label", "points"]


class InstitutionPrioritiesView(generics.ListCreateAPIView):
    """The admission priorities an institution publishes (anyone reads; its director adds)."""

    serializer_class = PrioritySerializer
    pagination_class = None
    queryset = QueuePriority.objects.none()

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else list(super().get_permissions())

    def _institution(self) -> Institution:
        return get_visible_or_404(institutions_public(), code=self.kwargs["code"])

    def get_queryset(self) -> QuerySet[QueuePriority]:
        return priorities_of(self._institution())

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        institution = self._institution()
        serializer.instance = services.priority_publish(  # so that the answer carries the new id
            director=signed_in_user(self.request), institution=institution, **serializer.validated_data
        )


# Consent and children ----------------------------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer):
    consented = serializers.SerializerMethodField()

    class Meta:
        model = PrivacyNotice
        fields = ["version", "title", "body", "published_at", "consented"]

    def get_consented(self, notice: PrivacyNotice) -> bool:
        return has_current_consent(self.context["request"].user)


class PrivacyNoticeView(APIView):
    """The current privacy notice; POST records the signed-in guardian's consent to it."""

    @extend_schema(responses=NoticeSerializer)
    def get(self, request: Request) -> Response:
        notice = current_notice()
        if notice is None:
            return Response({"code": "no_privacy_notice"}, status=status.HTTP_404_NOT_FOUND)
        return Response(NoticeSerializer(notice, context={"request": request}).data)

    @extend_schema(request=None, responses=NoticeSerializer)
    def post(self, request: Request) -> Response:
        consent = services.give_consent(user=signed_in_user(request))
        return Response(NoticeSerializer(consent.notice, context={"request": request}).data)


class ChildSerializer(serializers.ModelSerializer):
    identity_number = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=18)
    masked_identity_number = serializers.CharField(read_only=True)
    relation = serializers.ChoiceField(choices=Relation.choices, write_only=True)
    age_months = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "code",
            "name",
            "sex",
            "birth_date",
            "age_months",
            "identity_number",
            "masked_identity_number",
            "allergies",
            "special_needs",
            "relation",
        ]
        extra_kwargs = {"allergies": {"max_length": 500}, "special_needs": {"max_length": 500}}

    def get_age_months(self, child: Child) -> int:
        return child.age_months()

    def to_representation(self, instance: Child) -> dict[str, Any]:
        """Allergies and special needs only for the guardians and the institution caring for the child."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_sensitive_data(request.user, instance):
            data.pop("allergies", None)
            data.pop("special_needs", None)
        return data


class ChildListView(LogsHealthReads, generics.ListCreateAPIView):
    """A guardian's children (GET) and recording a new one (POST; needs consent to the privacy notice)."""

    serializer_class = ChildSerializer
    health_view = "child_profile"
    queryset = Child.objects.none()

    def get_queryset(self) -> QuerySet[Child]:
        return Child.objects.of_guardian(self.request.user).order_by("birth_date", "pk")

    def children_of(self, item: Child) -> list[Child]:
        return [item]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child = services.child_register(guardian=signed_in_user(request), **serializer.validated_data)
        return Response(self.get_serializer(child).data, status=status.HTTP_201_CREATED)


class ChildDetailView(generics.RetrieveAPIView):
    """One child: for their guardians and the staff of institutions they applied to or are placed at."""

    serializer_class = ChildSerializer
    lookup_field = "code"
    queryset = Child.objects.none()

    def get_queryset(self) -> QuerySet[Child]:
        return Child.objects.visible_to(self.request.user)

    def get_object(self) -> Child:
        child = super().get_object()  # allergies and special needs: health data
        health_record_read(self.request.user, child, view="child_profile", channel=AccessChannel.API)
        return child


def _guardians_child(request: Request, code: str) -> Child:
    return get_visible_or_404(Child.objects.of_guardian(request.user), code=code)


class ChildExportView(APIView):
    """Everything stored about the child, for their guardian (PIPL art. 45)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, code: str) -> Response:
        child = _guardians_child(request, code)
        health_record_read(request.user, child, view="export", channel=AccessChannel.EXPORT)
        return Response(privacy.child_data_export(guardian=signed_in_user(request), child=child))


class ChildDeletionSerializer(serializers.Serializer):
    confirm = serializers.CharField(
        max_length=50, help_text="The child's name, typed again: deletion cannot be undone."
    )


class ChildDeletionView(APIView):
    """Ask for the child's data to be deleted, confirming with the child's name; the answer says whether it
    was, or why it must be kept. A wrong name is refused (``confirmation_required``) and changes nothing."""

    @extend_schema(request=ChildDeletionSerializer, responses={200: dict, **refused("confirmation_required")})
    def post(self, request: Request, code: str) -> Response:
        child = _guardians_child(request, code)
        confirmation = validated(ChildDeletionSerializer, request.data)
        outcome = privacy.child_delete_request(
            guardian=signed_in_user(request), child=child, confirm=confirmation["confirm"]
        )
        return Response({"outcome": outcome.outcome, "reason": outcome.reason})


class PickupPersonSerializer(serializers.ModelSerializer):
    identity_number = serializers.CharField(write_only=True, max_length=18)
    masked_identity_number = serializers.CharField(read_only=True)

    class Meta:
        model = PickupPerson
        fields = ["id", "name", "relation", "phone", "identity_number", "masked_identity_number"]


class PickupPersonListView(generics.ListCreateAPIView):
    """A child's authorised pick-up persons; guardians add them."""

    serializer_class = PickupPersonSerializer
    pagination_class = None
    queryset = PickupPerson.objects.none()

    def get_queryset(self) -> QuerySet[PickupPerson]:
        child = get_visible_or_404(Child.objects.visible_to(self.request.user), code=self.kwargs["code"])
        return child.pickup_persons.all()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        child = _guardians_child(request, self.kwargs["code"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.pickup_person_add(
            guardian=signed_in_user(request), child=child, **serializer.validated_data
        )
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)


class EntryExamSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntryExam
        fields = ["id", "examined_on", "medical_institution", "result", "recorded_at"]
        read_only_fields = ["recorded_at"]


class EntryExamListView(LogsHealthReads, generics.ListCreateAPIView):
    """A child's entry health examinations (入托体检), recorded by guardians or the health staff; reading them
    is a logged read of the child's health data."""

    health_view = "entry_exams"
    serializer_class = EntryExamSerializer
    pagination_class = None
    queryset = EntryExam.objects.none()

    def _child(self) -> Child:
        return get_visible_or_404(Child.objects.visible_to(self.request.user), code=self.kwargs["code"])

    def get_queryset(self) -> QuerySet[EntryExam]:
        return self._child().entry_exams.select_related("child")

    def children_of(self, item: EntryExam) -> list[Child]:
        return [item.child]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exam = services.entry_exam_record(
            actor=signed_in_user(request), child=self._child(), **serializer.validated_data
        )
        return Response(self.get_serializer(exam).data, status=status.HTTP_201_CREATED)


# Applications and offers ---------------------------------------------------------------------------------


class ApplicationSerializer(serializers.ModelSerializer):
    child = serializers.SlugRelatedField(slug_field="code", queryset=Child.objects.all())
    child_name = serializers.CharField(source="child.name", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="code", queryset=Institution.objects.all())
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    priorities = CappedManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=QueuePriority.objects.all()),
        required=False,
        max_length=50,
    )
    position = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "code",
            "child",
            "child_name",
            "institution",
            "institution_name",
            "service_type",
            "desired_start",
            "rank",
            "priorities",
            "priority_points",
            "status",
            "position",
            "applied_at",
        ]
        read_only_fields = ["rank", "priority_points", "status", "applied_at"]
        # The one-open-application rule is the service's (409 already_applied), not a generic 400.
        validators: list[object] = []

    def get_position(self, application: Application) -> int | None:
        return queue_position(application)


class ApplicationListView(generics.ListCreateAPIView):
    """Applications: a guardian's own, or those to the director's institution (``?status=waiting``).

    POST applies for a place (guardians): child, institution, service type, desired start, priorities claimed.
    """

    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()

    def get_queryset(self) -> QuerySet[Application]:
        applications = applications_visible_to(self.request.user).select_related("child", "institution")
        if self.request.query_params.get("status"):
            applications = applications.filter(status=self.request.query_params["status"])
        return applications.order_by("institution", "-priority_points", "applied_at", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        child = get_visible_or_404(Child.objects.of_guardian(request.user), pk=data["child"].pk)
        application = services.application_submit(
            guardian=signed_in_user(request),
            child=child,
            institution=data["institution"],
            service_type=data["service_type"],
            desired_start=data["desired_start"],
            priorities=data.get("priorities", []),
        )
        return Response(self.get_serializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationWithdrawView(APIView):
    @extend_schema(request=None, responses=ApplicationSerializer)
    def post(self, request: Request, code: str) -> Response:
        application = get_visible_or_404(applications_visible_to(request.user), code=code)
        services.application_withdraw(guardian=signed_in_user(request), application=application)
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data)


class OfferSerializer(serializers.ModelSerializer):
    application = serializers.UUIDField(source="application.code", read_only=True)
    child_name = serializers.CharField(source="application.child.name", read_only=True)
    institution_name = serializers.CharField(source="care_class.institution.name", read_only=True)
    care_class = serializers.SlugRelatedField(slug_field="code", queryset=CareClass.objects.all())
    class_name = serializers.CharField(source="care_class.name", read_only=True)
    expires_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Offer
        fields = [
            "code",
            "application",
            "child_name",
            "institution_name",
            "care_class",
            "class_name",
            "start_date",
            "expires_at",
            "status",
            "made_at",
            "answered_at",
            "passed_over",
            "out_of_order_reason",
        ]
        read_only_fields = ["status", "made_at", "answered_at", "passed_over"]
        # The reason may speak of other families: the director writes it, the regulator reads it on the
        # institution file; the family does not see it.
        extra_kwargs = {"out_of_order_reason": {"write_only": True}}


class OfferCreateView(APIView):
    """The director offers a waiting application a place in a class, to be answered by ``expires_at``."""

    @extend_schema(request=OfferSerializer, responses={201: OfferSerializer})
    def post(self, request: Request, code: str) -> Response:
        application = get_visible_or_404(applications_visible_to(request.user), code=code)
        data = validated(OfferSerializer, request.data)
        offer = services.offer_make(
            director=signed_in_user(request),
            application=application,
            care_class=data["care_class"],
            start_date=data["start_date"],
            expires_at=data.get("expires_at"),
            out_of_order_reason=data.get("out_of_order_reason", ""),
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferListView(generics.ListAPIView):
    serializer_class = OfferSerializer
    queryset = Offer.objects.none()

    def get_queryset(self) -> QuerySet[Offer]:
        return offers_visible_to(self.request.user).select_related(
            "application__child", "care_class__institution"
        )


class AgreementSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField())
    government_guided = serializers.BooleanField()
    text = serializers.CharField()


class OfferDetailView(APIView):
    """One offer with the service agreement the guardian accepts with it."""

    @extend_schema(responses=OfferSerializer)
    def get(self, request: Request, code: str) -> Response:
        offer = get_visible_or_404(offers_visible_to(request.user), code=code)
        body = dict(OfferSerializer(offer).data)
        body["agreement"] = services.agreement_terms(offer)
        return Response(body)


class AcceptSerializer(serializers.Serializer):
    accept_agreement = serializers.BooleanField()


class OfferAcceptView(APIView):
    """Accept the offer and its service agreement (``accept_agreement: true``): the child takes the place."""

    @extend_schema(request=AcceptSerializer, responses={201: dict})
    def post(self, request: Request, code: str) -> Response:
        offer = get_visible_or_404(offers_visible_to(request.user), code=code)
        data = validated(AcceptSerializer, request.data)
        if not data["accept_agreement"]:
            raise Refusal(services.AGREEMENT_REQUIRED, "agreement_not_accepted")
        placement = services.offer_accept(guardian=signed_in_user(request), offer=offer)
        return Response(PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)


class OfferDeclineView(APIView):
    @extend_schema(request=None, responses=OfferSerializer)
    def post(self, request: Request, code: str) -> Response:
        offer = get_visible_or_404(offers_visible_to(request.user), code=code)
        return Response(
            OfferSerializer(services.offer_decline(guardian=signed_in_user(request), offer=offer)).data
        )


# Placements, rosters, tasks ---------------------------------------------------------------------------


class PlacementSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    care_class = serializers.UUIDField(source="care_class.code")
    class_name = serializers.CharField(source="care_class.name")
    institution_name = serializers.CharField(source="institution.name")

    class Meta:
        model = Placement
        fields = [
            "code",
            "child",
            "child_name",
            "institution_name",
            "care_class",
            "class_name",
            "service_type",
            "start_date",
            "ends_on",
            "end_reason",
        ]


class PlacementListView(generics.ListAPIView):
    """Placements: a guardian's children's, or those of the institutions the user serves."""

    serializer_class = PlacementSerializer
    queryset = Placement.objects.none()

    def get_queryset(self) -> QuerySet[Placement]:
        return placements_visible_to(self.request.user).select_related("child", "care_class", "institution")


class EndSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=12, help_text="withdrawn, transferred, aged_out...")


class PlacementEndView(APIView):
    """The director ends a placement (withdrawal, transfer): the place is free from ``ends_on``."""

    @extend_schema(request=EndSerializer, responses=PlacementSerializer)
    def post(self, request: Request, code: str) -> Response:
        placement = get_visible_or_404(placements_visible_to(request.user), code=code)
        data = validated(EndSerializer, request.data)
        placement = services.placement_end(director=signed_in_user(request), placement=placement, **data)
        return Response(PlacementSerializer(placement).data)


class RosterView(generics.ListAPIView):
    """The children holding a place in a class (present now or starting later)."""

    serializer_class = PlacementSerializer
    pagination_class = None
    queryset = Placement.objects.none()

    def get_queryset(self) -> QuerySet[Placement]:
        care_class = get_visible_or_404(
            classes_with_children_visible_to(self.request.user), code=self.kwargs["code"]
        )
        return roster_of(care_class, timezone.localdate()).select_related("care_class", "institution")


class TaskSerializer(serializers.ModelSerializer):
    child_name = serializers.CharField(source="child.name")
    institution_name = serializers.CharField(source="institution.name")

    class Meta:
        model = CareTask
        fields = ["id", "kind", "child_name", "institution_name", "due_on", "done_at", "note"]


class TaskListView(generics.ListAPIView):
    """Open health tasks (vaccination-certificate checks) of the health worker's institution."""

    serializer_class = TaskSerializer
    queryset = CareTask.objects.none()

    def get_queryset(self) -> QuerySet[CareTask]:
        return open_tasks_visible_to(signed_in_user(self.request))


class TaskNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TaskCompleteView(APIView):
    @extend_schema(request=TaskNoteSerializer, responses=TaskSerializer)
    def post(self, request: Request, pk: int) -> Response:
        task = get_visible_or_404(open_tasks_visible_to(signed_in_user(request)), pk=pk)
        data = validated(TaskNoteSerializer, request.data)
        note = data["note"]
        return Response(
            TaskSerializer(services.task_complete(actor=signed_in_user(request), task=task, note=note)).data
        )


urlpatterns = [
    path("institutions/", FinderView.as_view(), name="api-institution-list"),
    path(
        "institutions/<uuid:code>/priorities/",
        InstitutionPrioritiesView.as_view(),
        name="api-institution-priorities",
    ),
    path("privacy-notice/", PrivacyNoticeView.as_view(), name="api-privacy-notice"),
    path("children/", ChildListView.as_view(), name="api-children"),
    path("children/<uuid:code>/", ChildDetailView.as_view(), name="api-child"),
    path("children/<uuid:code>/export/", ChildExportView.as_view(), name="api-child-export"),
    path("children/<uuid:code>/deletion/", ChildDeletionView.as_view(), name="api-child-deletion"),
    path("children/<uuid:code>/pickup-persons/", PickupPersonListView.as_view(), name="api-pickup-persons"),
    path("children/<uuid:code>/entry-exams/", EntryExamListView.as_view(), name="api-entry-exams"),
    path("applications/", ApplicationListView.as_view(), name="api-applications"),
    path(
        "applications/<uuid:code>/withdraw/",
        ApplicationWithdrawView.as_view(),
        name="api-application-withdraw",
    ),
    path("applications/<uuid:code>/offer/", OfferCreateView.as_view(), name="api-application-offer"),
    path("offers/", OfferListView.as_view(), name="api-offers"),
    path("offers/<uuid:code>/", OfferDetailView.as_view(), name="api-offer"),
    path("offers/<uuid:code>/accept/", OfferAcceptView.as_view(), name="api-offer-accept"),
    path("offers/<uuid:code>/decline/", OfferDeclineView.as_view(), name="api-offer-decline"),
    path("placements/", PlacementListView.as_view(), name="api-placements"),
    path("placements/<uuid:code>/end/", PlacementEndView.as_view(), name="api-placement-end"),
    path("classes/<uuid:code>/roster/", RosterView.as_view(), name="api-class-roster"),
    path("tasks/", TaskListView.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/complete/", TaskCompleteView.as_view(), name="api-task-complete"),
]
