"""Signing test clients in as the personas do: with a verified second factor where one is needed."""

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import User
from tuoyu.accounts.second_factor import second_factor_required


def app_device(user: User) -> TOTPDevice:
    """The user's authenticator app (created, confirmed, on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in(client: Client, user: User) -> Client:
    """Sign the client in as the user; with a verified second factor where the user's roles need one
    (regulators, administrators) or the back office asks for it (staff accounts)."""
    client.force_login(user)
    if user.is_staff or second_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
        session.save()
    return client


def signed_in_client(user: User) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def make_persona(display_name: str, role: str, *, is_staff: bool = False, **scope: Any) -> User:
    """A user holding one role, in the scope given (an institution, a region, a hospital)."""
    user = UserFactory.create(display_name=display_name, is_staff=is_staff)
    RoleAssignmentFactory.create(user=user, role=role, **scope)
    return user
