"""Choices of regions that lower layers and the growth engine read without Django's models loaded."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GrowthStandardCode(models.TextChoices):
    """The growth standards a region may evaluate children's growth against; the growth engine
    (``tuoyu.health.growth.standards``) has one table set for each."""

    WST_423_2022 = "wst423_2022", _("WS/T 423—2022 (China's growth standard for children under 7)")
    WHO_2006 = "who2006", _("WHO Child Growth Standards (2006)")


DEFAULT_GROWTH_STANDARD = GrowthStandardCode.WST_423_2022
"""The standard of a region that sets none and has no region above setting one: China's own."""
