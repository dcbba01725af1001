"""What every health API view does with a request: the signed-in caller, and the input a serializer
validated (a 400 with the serializer's errors otherwise)."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from tuoyu.accounts.models import User


def signed_in_user(request: Request) -> User:
    assert isinstance(request.user, User)  # the default permission: signed in
    return request.user


def validated_input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
