"""How the API knows who is calling: an API token (django-rest-knox) or the session of the pages."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions, status

from tuoyu.accounts import second_factor


class SecondFactorRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "second_factor_required"
    default_detail = _("Sign in with your second factor first.")


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's tokens, with the rule of the pages: an account that must sign in with a second factor and has
    none (the role came after the token, or an administrator reset it) is refused until it sets one up.
    A token issued with a code stays valid: setting up or removing a factor revokes every token."""

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, token = super().validate_user(auth_token)
        if second_factor.second_factor_required(user) and not second_factor.has_second_factor(user):
            raise SecondFactorRequired()
        return user, token
