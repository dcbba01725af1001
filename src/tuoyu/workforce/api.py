from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from rest_framework import generics, serializers

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workforce.models import Staff
from tuoyu.workforce.selectors import staff_of_institution


class StaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Staff
        fields = ["code", "name", "role", "employed_from", "employed_until"]


class InstitutionStaffView(generics.ListAPIView):
    """Staff employed today by an institution: for its director and its regulator."""

    serializer_class = StaffSerializer
    queryset = Staff.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[Staff]:
        institution = get_visible_or_404(
            institutions_visible_to(self.request.user, Perm.VIEW_STAFF), code=self.kwargs["code"]
        )
        return staff_of_institution(self.request.user, institution.pk, on=timezone.localdate())


urlpatterns = [
    path("institutions/<uuid:code>/staff/", InstitutionStaffView.as_view(), name="api-institution-staff"),
]
