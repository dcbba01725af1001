from django.contrib.auth import authenticate, logout, user_login_failed
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuoyu.accounts import second_factor
from tuoyu.accounts.access import role_assignments_of
from tuoyu.accounts.models import User
from tuoyu.accounts.services import guardian_register, verification_send
from tuoyu.accounts.throttles import SignInThrottle, VerificationThrottle
from tuoyu.accounts.tokens import token_issue, token_revoke, tokens_of
from tuoyu.parsers import validated
from tuoyu.refusals import Refusal


class TokenRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=11)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=128)
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="The current code of the account's authenticator app (or a recovery code), when the "
        "account has two-step verification.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(help_text="The token stops working at this time.")


def _issued(user: User, status_code: int = status.HTTP_200_OK) -> Response:
    instance, token = token_issue(user)
    return Response({"token": token, "expiry": instance.expiry}, status=status_code)


class TokenObtainView(APIView):
    """Exchange a mobile number and password (and, with two-step verification, the current code as ``otp``)
    for an API token that expires after 30 days.

    Send the token as ``Authorization: Token <token>``. Wrong passwords and wrong codes count towards the
    same lockout as on the sign-in page.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [SignInThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = validated(TokenRequestSerializer, request.data)
        phone = data["phone"]
        user = authenticate(request._request, phone=phone, password=data["password"])
        if user is None:
            raise Refusal(_("The mobile number or the password is not right."), "invalid_credentials")
        assert isinstance(user, User)
        if second_factor.has_second_factor(user):
            otp = data.get("otp", "")
            if not otp:
                raise Refusal(
                    _("This account signs in with a second factor: send its code as otp."), "otp_required"
                )
            if second_factor.second_factor_verify(user, otp) is None:
                user_login_failed.send(
                    sender=__name__, credentials={"phone": phone}, request=request._request
                )
                raise Refusal(second_factor.WRONG_CODE, "otp_invalid")
        elif second_factor.second_factor_required(user):
            raise Refusal(
                _("Set up two-step verification by signing in on the web first."),
                "second_factor_setup_required",
            )
        return _issued(user)


class ApiTokenSerializer(serializers.Serializer):
    key = serializers.CharField(source="token_key", help_text="The token's first characters, which name it.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.SerializerMethodField(help_text="Whether this request was sent with this token.")

    def get_current(self, token: AuthToken) -> bool:
        used = self.context["request"].auth
        return isinstance(used, AuthToken) and used.pk == token.pk


class ApiTokenListView(APIView):
    """The signed-in user's API tokens that still work."""

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        tokens = tokens_of(request.user)  # type: ignore[arg-type]
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)


class ApiTokenRevokeView(APIView):
    """Revoke one of the signed-in user's tokens (by its key); another user's token is a 404."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, key: str) -> Response:
        if not token_revoke(request.user, key):  # type: ignore[arg-type]
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request was sent with (signed in by session: end the session)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
    throttle_classes = [VerificationThrottle]

    @extend_schema(request=VerificationRequestSerializer, responses={202: None})
    def post(self, request: Request) -> Response:
        data = validated(VerificationRequestSerializer, request.data)
        verification_send(phone=data["phone"])
        return Response(
            {
                "detail": _(
                    "A text message is on its way to this number; a code in it is valid for 10 minutes."
                )
            },
            status=202,
        )


class RegisterSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=11)
    code = serializers.CharField(max_length=6)
    display_name = serializers.CharField(max_length=50)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=128)


class GuardianRegisterView(APIView):
    """Create a guardian account with the code sent to the mobile number; answers with an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [SignInThrottle]

    @extend_schema(request=RegisterSerializer, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = validated(RegisterSerializer, request.data)
        user = guardian_register(**data, language=request.LANGUAGE_CODE)
        return _issued(user, status.HTTP_201_CREATED)


urlpatterns = [
    path("auth/verification-code/", VerificationCodeView.as_view(), name="api-verification-code"),
    path("auth/register/", GuardianRegisterView.as_view(), name="api-register"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/tokens/", ApiTokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:key>/", ApiTokenRevokeView.as_view(), name="api-token-revoke"),
    path("me/", MeView.as_view(), name="api-me"),
]
