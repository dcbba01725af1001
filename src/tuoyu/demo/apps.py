from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo district (太白湖新区), built from the factories the tests use. Nothing imports it."""

    name = "tuoyu.demo"
    verbose_name = _("Demo district")
