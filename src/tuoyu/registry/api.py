from django.db.models import QuerySet
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.registry.selectors import institutions_public, institutions_visible_to


class ServiceOfferingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceOffering
        fields = ["service_type", "price_yuan", "price_unit"]


class PublicClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareClass
        fields = ["age_band", "capacity"]


class PublicInstitutionSerializer(serializers.ModelSerializer):
    """What the public directory shows: no staff, no personal data."""

    street = serializers.CharField(source="street.name")
    street_code = serializers.CharField(source="street.code")
    provider_models = serializers.SerializerMethodField()
    services = ServiceOfferingSerializer(many=True)
    classes = PublicClassSerializer(many=True)
    inclusive = serializers.BooleanField(source="is_inclusive")
    medical_integrated = serializers.BooleanField(source="is_medical_integrated")
    partner_hospital = serializers.CharField(source="partner_hospital.name", allow_null=True, default=None)

    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "credit_code",
            "registration_type",
            "street",
            "street_code",
            "address",
            "latitude",
            "longitude",
            "building_area_m2",
            "opening_hours",
            "public_phone",
            "filed_places",
            "filing_receipt_no",
            "filed_on",
            "inclusive",
            "inclusive_recognized_on",
            "medical_integrated",
            "partner_hospital",
            "provider_models",
            "services",
            "classes",
            "description",
        ]

    def get_provider_models(self, institution: Institution) -> list[str]:
        return [tag.model for tag in institution.provider_tags.all()]


class InstitutionDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = PublicInstitutionSerializer
    lookup_field = "code"
    queryset = institutions_public()


class ClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareClass
        fields = ["code", "name", "age_band", "capacity", "room_area_m2"]


class InstitutionClassesView(generics.ListAPIView):
    """An institution's classes: for its own staff, its regulator and its partner hospital's doctors."""

    serializer_class = ClassSerializer
    queryset = CareClass.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[CareClass]:
        institution = get_visible_or_404(
            institutions_visible_to(self.request.user, Perm.VIEW_CLASSES), code=self.kwargs["code"]
        )
        return institution.classes.order_by("age_band", "name")


urlpatterns = [
    path("institutions/<uuid:code>/", InstitutionDetailView.as_view(), name="api-institution-detail"),
    path(
        "institutions/<uuid:code>/classes/", InstitutionClassesView.as_view(), name="api-institution-classes"
    ),
]
