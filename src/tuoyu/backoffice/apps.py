from django.contrib.admin.apps import AdminConfig


class BackOfficeConfig(AdminConfig):
    """Django's admin app, with Tuoyu's site (same sign-in as the pages, second factor required)."""

    default_site = "tuoyu.backoffice.site.BackOfficeSite"

    def ready(self) -> None:
        super().ready()  # discovers every app's admin.py
        from django.contrib import admin
        from django.contrib.auth.models import Group
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from knox.models import AuthToken

        # Secrets (authenticator keys, recovery codes, token digests) are not shown even to administrators;
        # a user's second factor is reset from the user's screen. Groups are not used: roles grant access.
        for model in (TOTPDevice, StaticDevice, AuthToken, Group):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
