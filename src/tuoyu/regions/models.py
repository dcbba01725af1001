from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.regions.choices import GrowthStandardCode


class Region(models.Model):
    """An administrative division: province > city > district > street/town."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street / town")

    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{2,12}$", _("A division code is 2 to 12 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("37/3708/370872/"), so that "this region and everything below"
    # is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    growth_standard = models.CharField(
        _("growth standard"),
        max_length=12,
        choices=GrowthStandardCode.choices,
        blank=True,
        help_text=_(
            "What children's growth is evaluated against in this region. Empty: as the region above "
            "(WS/T 423—2022 where none says otherwise)."
        ),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Population(models.Model):
    """The resident population of a region in a year, with its source."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949)])
    residents = models.PositiveIntegerField(_("resident population"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("resident population")
        verbose_name_plural = _("resident populations")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="population_one_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.residents}"
