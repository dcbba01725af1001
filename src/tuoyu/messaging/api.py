"""家园沟通 in the API: the conversations (list, read one, send a message with a photo, mark read), the
photos, and the notices (list, post, read one, mark read, who has read). The same services and scoping as
the pages: anyone outside a conversation or a notice gets 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts.access import Perm, get_visible_or_404, signed_in_user
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import is_guardian_of
from tuoyu.messaging import services
from tuoyu.messaging.models import Conversation, Message, Notice, NoticeRecipient, Side
from tuoyu.messaging.selectors import (
    children_to_talk_about,
    conversation_of,
    conversations_visible_to,
    current_placement,
    message_photos_visible_to,
    messages_of,
    notice_readers,
    notices_posted_visible_to,
    notices_visible_to,
    read_state_of,
    with_unread,
)
from tuoyu.parsers import validated
from tuoyu.refusals import NotPermitted, refused
from tuoyu.registry.selectors import classes_visible_to, institutions_visible_to
from tuoyu.uploads import serve_upload

REFUSED = refused("message_empty, photo_not_image, photo_too_large")


class ConversationSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.code")
    child_name = serializers.CharField(source="child.name")
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    my_side = serializers.ChoiceField(
        choices=Side.choices, help_text="The caller's side of the conversation."
    )
    unread = serializers.IntegerField(help_text="The other side's messages since the caller last read it.")

    class Meta:
        model = Conversation
        fields = [
            "child",
            "child_name",
            "institution",
            "institution_name",
            "last_message_at",
            "my_side",
            "unread",
        ]


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name")
    photo_url = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField(help_text="Whether someone of the other side has read it.")

    class Meta:
        model = Message
        fields = ["id", "side", "author_name", "body", "photo_url", "report_day", "created_at", "read"]

    def get_photo_url(self, message: Message) -> str:
        return reverse("api-conversation-photo", kwargs={"pk": message.pk}) if message.photo else ""

    def get_read(self, message: Message) -> bool:
        state = self.context.get("state")
        return bool(state and state.is_read(message))


class ConversationDetailSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    child_name = serializers.CharField()
    institution = serializers.UUIDField(allow_null=True)
    institution_name = serializers.CharField()
    my_side = serializers.ChoiceField(choices=Side.choices)
    messages = MessageSerializer(many=True)


class MessageSendSerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_MESSAGE_CHARS
    )
    photo = serializers.FileField(required=False, help_text="JPEG or PNG, at most 5 MB.")


class ReadSerializer(serializers.Serializer):
    last_read_at = serializers.DateTimeField()


def _child(request: Request, code: Any) -> Child:
    return get_visible_or_404(children_to_talk_about(request.user, timezone.localdate()), code=code)


class ConversationListView(generics.ListAPIView):
    """The caller's conversations (their children's, and those of the families of their classes or
    institution), most recent first, with the number of unread messages."""

    serializer_class = ConversationSerializer
    queryset = Conversation.objects.none()

    def get_queryset(self) -> QuerySet[Conversation]:
        actor = self.request.user
        return with_unread(conversations_visible_to(actor, timezone.localdate()), actor).order_by(
            "-last_message_at", "pk"
        )


class ConversationView(APIView):
    """A child's conversation at the institution where the child holds a place, with every message and its
    read receipt. Reading it here does not mark it read: ``POST …/read/`` does."""

    @extend_schema(responses={200: ConversationDetailSerializer})
    def get(self, request: Request, child: Any) -> Response:
        kid = _child(request, child)
        placement = current_placement(kid, timezone.localdate())
        if placement is None:
            raise NotPermitted("the child holds no place")
        talk = conversation_of(kid, placement.institution)
        rows = list(messages_of(talk)) if talk is not None else []
        data = {
            "child": kid.code,
            "child_name": kid.name,
            "institution": placement.institution.code,
            "institution_name": placement.institution.name,
            "my_side": Side.FAMILY if is_guardian_of(request.user, kid) else Side.INSTITUTION,
            "messages": MessageSerializer(rows, many=True, context={"state": read_state_of(talk)}).data,
        }
        return Response(data)


class MessageSendView(APIView):
    """Send a message in the child's conversation (multipart: ``body`` and/or ``photo``); the other side is
    told in their inbox."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=MessageSendSerializer, responses={201: MessageSerializer, **REFUSED})
    def post(self, request: Request, child: Any) -> Response:
        kid = _child(request, child)
        data = validated(MessageSendSerializer, request.data)
        message = services.message_send(
            actor=signed_in_user(request), child=kid, body=data["body"], photo=data.get("photo")
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ConversationReadView(APIView):
    """Mark the child's conversation read up to now (the other side then sees 已读)."""

    @extend_schema(request=None, responses={200: ReadSerializer})
    def post(self, request: Request, child: Any) -> Response:
        kid = _child(request, child)
        now = timezone.now()
        services.conversation_open(actor=signed_in_user(request), child=kid, now=now)
        return Response({"last_read_at": now})


class PhotoView(APIView):
    """A message's photo, for the participants of its conversation."""

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        message = get_visible_or_404(message_photos_visible_to(request.user, timezone.localdate()), pk=pk)
        return serve_upload(message.photo)


# Notices -------------------------------------------------------------------------------------------------


class InstitutionNoticeSerializer(serializers.ModelSerializer):
    institution = serializers.UUIDField(source="institution.code")
    institution_name = serializers.CharField(source="institution.name")
    care_class = serializers.UUIDField(source="care_class.code", allow_null=True, default=None)
    care_class_name = serializers.CharField(source="care_class.name", allow_null=True, default=None)
    posted_by_name = serializers.CharField(source="posted_by.display_name")
    read_at = serializers.DateTimeField(
        source="my_read_at", allow_null=True, default=None, help_text="When the caller read it (recipients)."
    )
    recipient_count = serializers.IntegerField(default=0)
    read_count = serializers.IntegerField(default=0)

    class Meta:
        model = Notice
        fields = [
            "code",
            "institution",
            "institution_name",
            "care_class",
            "care_class_name",
            "title",
            "body",
            "posted_by_name",
            "posted_at",
            "read_at",
            "recipient_count",
            "read_count",
        ]


class NoticePostSerializer(serializers.Serializer):
    institution = serializers.UUIDField()
    care_class = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Only this class."
    )
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=5000)


class ReaderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name")

    class Meta:
        model = NoticeRecipient
        fields = ["name", "side", "read_at"]


class NoticeListView(generics.ListCreateAPIView):
    """The notices sent to the caller and those of the institutions they direct; a director posts one to the
    institution or one of its classes."""

    serializer_class = InstitutionNoticeSerializer
    queryset = Notice.objects.none()

    def get_queryset(self) -> QuerySet[Notice]:
        return notices_visible_to(self.request.user).order_by("-posted_at", "-pk")

    @extend_schema(
        request=NoticePostSerializer, responses={201: InstitutionNoticeSerializer, **refused("notice_empty")}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = signed_in_user(request)
        data = validated(NoticePostSerializer, request.data)
        institution = get_visible_or_404(
            institutions_visible_to(actor, Perm.MESSAGE_FAMILIES), code=data["institution"]
        )
        care_class = None
        if data["care_class"] is not None:
            care_class = get_visible_or_404(
                classes_visible_to(actor).filter(institution=institution), code=data["care_class"]
            )
        notice = services.notice_post(
            actor=actor,
            institution=institution,
            care_class=care_class,
            title=data["title"],
            body=data["body"],
        )
        shown = get_visible_or_404(notices_visible_to(actor), pk=notice.pk)
        return Response(InstitutionNoticeSerializer(shown).data, status=status.HTTP_201_CREATED)


class NoticeView(generics.RetrieveAPIView):
    """One notice (reading it here does not mark it read: ``POST …/read/`` does)."""

    serializer_class = InstitutionNoticeSerializer
    queryset = Notice.objects.none()
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Notice]:
        return notices_visible_to(self.request.user)

    def get_object(self) -> Notice:
        return get_visible_or_404(self.get_queryset(), code=self.kwargs["code"])


class NoticeReadView(APIView):
    """The caller has read the notice (recorded the first time)."""

    @extend_schema(request=None, responses={200: InstitutionNoticeSerializer})
    def post(self, request: Request, code: Any) -> Response:
        actor = signed_in_user(request)
        notice = get_visible_or_404(notices_visible_to(actor), code=code)
        services.notice_mark_read(actor=actor, notice=notice)
        return Response(
            InstitutionNoticeSerializer(get_visible_or_404(notices_visible_to(actor), pk=notice.pk)).data
        )


class NoticeReadersView(generics.ListAPIView):
    """Who received the notice and when each read it (the director of its institution)."""

    serializer_class = ReaderSerializer
    queryset = NoticeRecipient.objects.none()

    def get_queryset(self) -> QuerySet[NoticeRecipient]:
        notice = get_visible_or_404(notices_posted_visible_to(self.request.user), code=self.kwargs["code"])
        return notice_readers(notice)


urlpatterns = [
    path("conversations/", ConversationListView.as_view(), name="api-conversations"),
    path("conversations/photos/<int:pk>/", PhotoView.as_view(), name="api-conversation-photo"),
    path("conversations/<uuid:child>/", ConversationView.as_view(), name="api-conversation"),
    path("conversations/<uuid:child>/messages/", MessageSendView.as_view(), name="api-conversation-send"),
    path("conversations/<uuid:child>/read/", ConversationReadView.as_view(), name="api-conversation-read"),
    path("notices/", NoticeListView.as_view(), name="api-notices"),
    path("notices/<uuid:code>/", NoticeView.as_view(), name="api-notice"),
    path("notices/<uuid:code>/read/", NoticeReadView.as_view(), name="api-notice-read"),
    path("notices/<uuid:code>/readers/", NoticeReadersView.as_view(), name="api-notice-readers"),
]
