from django.db.models import QuerySet
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import signed_in_user
from tuoyu.notifications.models import Notification
from tuoyu.notifications.selectors import inbox_of
from tuoyu.notifications.services import mark_read
from tuoyu.parsers import MAX_LIST_ITEMS, validated


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]


class InboxView(generics.ListAPIView):
    """The signed-in user's inbox, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self) -> QuerySet[Notification]:
        return inbox_of(self.request.user)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=MAX_LIST_ITEMS,
        help_text=f"At most {MAX_LIST_ITEMS:,} ids; none: every notification.",
    )


class MarkReadView(APIView):
    """Mark notifications read: the listed ``ids``, or all of them when none are given."""

    serializer_class = MarkReadSerializer

    def post(self, request: Request) -> Response:
        data = validated(MarkReadSerializer, request.data)
        count = mark_read(signed_in_user(request), data.get("ids"))
        return Response({"marked": count})


urlpatterns = [
    path("notifications/", InboxView.as_view(), name="api-notifications"),
    path("notifications/read/", MarkReadView.as_view(), name="api-notifications-read"),
]
