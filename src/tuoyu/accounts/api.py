from django.contrib.auth import authenticate
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from tuoyu.accounts.access import role_assignments_of
from tuoyu.accounts.services import guardian_register, verification_send


class TokenRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=11)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainView(APIView):
    """Exchange a mobile number and password for an API token.

    Send the token as ``Authorization: Token <token>``.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request, phone=data.validated_data["phone"], password=data.validated_data["password"]
        )
        if user is None:
            return Response(
                {"detail": _("The mobile number or the password is not right.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField()
    scope = serializers.CharField()


class MeSerializer(serializers.Serializer):
    phone = serializers.CharField()
    display_name = serializers.CharField()
    preferred_language = serializers.CharField()
    roles = RoleSerializer(many=True)


class MeView(APIView):
    """The signed-in user and the roles they hold."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        roles = [
            {"role": a.role, "role_label": a.get_role_display(), "scope": a.scope_label}
            for a in role_assignments_of(user)
        ]
        return Response(
            MeSerializer(
                {
                    "phone": user.phone,  # type: ignore[union-attr]
                    "display_name": user.display_name,  # type: ignore[union-attr]
                    "preferred_language": user.preferred_language,  # type: ignore[union-attr]
                    "roles": roles,
                }
            ).data
        )


class VerificationRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=11)


class VerificationCodeView(APIView):
    """Send a registration code by text message to a mainland mobile number (guardians sign up with it)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verification"

    @extend_schema(request=VerificationRequestSerializer, responses={202: None})
    def post(self, request: Request) -> Response:
        data = VerificationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verification_send(phone=data.validated_data["phone"])
        return Response(
            {"detail": _("A code was sent by text message; it is valid for 10 minutes.")}, status=202
        )


class RegisterSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=11)
    code = serializers.CharField(max_length=6)
    display_name = serializers.CharField(max_length=50)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class GuardianRegisterView(APIView):
    """Create a guardian account with the code sent to the mobile number; answers with an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=RegisterSerializer, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = guardian_register(**data.validated_data, language=request.LANGUAGE_CODE)
        token = Token.objects.create(user=user)
        return Response({"token": token.key}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("auth/verification-code/", VerificationCodeView.as_view(), name="api-verification-code"),
    path("auth/register/", GuardianRegisterView.as_view(), name="api-register"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
]
