"""The enterprise service desk (企业服务): enterprises, the service teams that visit them, the departments
that answer their problems, visits, and each problem as a request on the case engine (docs/enterprises.md)."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import (
    Perm,
    actor_pk,
    in_region_scope_of,
    scope_of,
)
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.registry.credit_code import validate_credit_code


class Industry(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture, forestry and fishing")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction")
    TRADE = "trade", _("Wholesale and retail")
    HOSPITALITY = "hospitality", _("Hotels and catering")
    LOGISTICS = "logistics", _("Transport and logistics")
    TECHNOLOGY = "technology", _("Information technology")
    PROPERTY = "property", _("Real estate and property services")
    BUSINESS_SERVICES = "business_services", _("Business services")
    EDUCATION_CHILDCARE = "education_childcare", _("Education and childcare")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, actor: object) -> "EnterpriseQuerySet":
        """The enterprises of the regions where the actor serves enterprises (a service team's members)."""
        return in_region_scope_of(self, actor, Perm.SERVE_ENTERPRISES, "street__")


class Enterprise(models.Model):
    """An enterprise the desk serves. A childcare institution with the same credit code is linked to it, so an
    employer opening a workplace childcare room (单位办托) and an institution are served by the same desk."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    address = models.CharField(_("address"), max_length=200)
    street = models.ForeignKey(
        "regions.Region", verbose_name=_("street"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=11, validators=[validate_mainland_mobile])
    institution = models.OneToOneField(
        "registry.Institution",
        verbose_name=_("childcare institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprise",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_contact_phone(self) -> str:
        return f"{self.contact_phone[:3]}****{self.contact_phone[-4:]}"


class TeamLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class ServiceTeamQuerySet(models.QuerySet["ServiceTeam"]):
    def visible_to(self, actor: object) -> "ServiceTeamQuerySet":
        """The teams of the regions where the actor serves enterprises, and the teams above them (a district's
        officer sees the city team that visits with them)."""
        scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
        if scope.everything:
            return self.all()
        condition = Q(pk__in=[])
        for path in scope.region_paths:
            condition |= Q(region__path__startswith=path)
            parents = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
            condition |= Q(region__path__in=parents)
        return self.filter(condition)


class ServiceTeam(models.Model):
    """An enterprise service team (企业服务队) of a city's or a district's administrative approval service
    bureau (行政审批服务局). Its members hold the 企业服务专员 role over the team's region."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=TeamLevel.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="service_teams"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_service_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="service_teams"
    )

    objects = ServiceTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="service_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department a problem is dispatched to (市场监管、税务、自然资源和规划、卫生健康...), with the
    contacts who answer in Tuoyu (role 部门联络员 over the department's region)."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("contacts"), blank=True, related_name="departments"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, actor: object) -> "VisitQuerySet":
        return in_region_scope_of(self, actor, Perm.SERVE_ENTERPRISES, "enterprise__street__")


class Visit(models.Model):
    """A visit to an enterprise (走访, planned or not) by one or more teams (市县联动 when a city and a
    district team go together): who went, when, what was discussed. A follow-up visit (回访) names the earlier
    requests it checks on."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    planned = models.BooleanField(_("planned"), default=True)
    teams = models.ManyToManyField(ServiceTeam, verbose_name=_("teams"), related_name="visits")
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("who went"), blank=True, related_name="enterprise_visits"
    )
    met = models.CharField(_("met at the enterprise"), max_length=200, blank=True)
    discussed = models.TextField(_("what was discussed"))
    follow_up_of: "models.ManyToManyField[ServiceRequest, Any]" = models.ManyToManyField(
        "ServiceRequest", verbose_name=_("follows up"), blank=True, related_name="follow_up_visits"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"

    @property
    def is_joint(self) -> bool:
        return len({team.level for team in self.teams.all()}) > 1


class Category(models.TextChoices):
    """The kinds of problem (堵点) enterprises raise, as the bureau's monthly report counts them."""

    APPROVAL = "approval", _("Approvals and licences")
    MARKET = "market", _("Market regulation")
    TAX = "tax", _("Taxes and fees")
    LAND = "land", _("Land and planning")
    FINANCE = "finance", _("Financing")
    LABOUR = "labour", _("Hiring and skills")
    UTILITIES = "utilities", _("Water, power and gas")
    INFRASTRUCTURE = "infrastructure", _("Roads and facilities")
    POLICY = "policy", _("Policies and subsidies")
    CHILDCARE = "childcare", _("Workplace childcare")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    """How much work a request takes; each has its time limit in working days (policy values
    ``enterprise.limit.<urgency>``)."""

    SIMPLE = "simple", _("Simple")
    ORDINARY = "ordinary", _("Ordinary")
    COMPLEX = "complex", _("Complex")


class ServiceRequestQuerySet(models.QuerySet["ServiceRequest"]):
    def visible_to(self, actor: object) -> "ServiceRequestQuerySet":
        """The requests of the enterprises in the actor's service regions, those dispatched to a department
        the actor answers for, and those of an enterprise whose contact phone is the actor's (signed in)."""
        desk = in_region_scope_of(self, actor, Perm.SERVE_ENTERPRISES, "enterprise__street__")
        condition = Q(pk__in=desk.values("pk"))
        if not scope_of(actor, Perm.ANSWER_DISPATCHES).is_empty:
            condition |= Q(dispatches__department__contacts__pk=actor_pk(actor))
        phone = getattr(actor, "phone", "")
        if phone:
            condition |= Q(enterprise__contact_phone=phone)
        return self.filter(condition).distinct()


class ServiceRequest(models.Model):
    """One problem an enterprise raised (企业诉求), followed on the case engine (``case``: number, status,
    deadline in working days, every step). ``token`` opens its public progress page without an account."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="service_request"
    )
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token = models.CharField(max_length=32, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="requests"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("raised at visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("team in charge"), on_delete=models.PROTECT, related_name="requests"
    )
    joint_team = models.ForeignKey(
        ServiceTeam,
        verbose_name=_("joint team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_requests",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    description = models.TextField(_("problem"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    accept_by = models.DateTimeField(_("to be accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    answer = models.TextField(_("answer to the enterprise"), blank=True)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    follow_up_by = models.DateField(_("to be followed up by"), null=True, blank=True)
    times_reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise request")
        verbose_name_plural = _("enterprise requests")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["team", "recorded_at"], name="request_team_recorded")]

    def __str__(self) -> str:
        return self.case.number


class Dispatch(models.Model):
    """A request sent to a department (交办). The first department it is sent to leads (首接负责); each
    department replies once; ``reminded_for`` is the missed deadline it was reminded (催办) about."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="dispatches"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="dispatches"
    )
    lead = models.BooleanField(_("leads"), default=False)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dispatched by"), on_delete=models.PROTECT, related_name="+"
    )
    instruction = models.TextField(_("what is asked"), blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_for = models.DateField(_("reminded for the deadline of"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["dispatched_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "department"], name="dispatch_once_per_department"),
            models.UniqueConstraint(fields=["request"], condition=Q(lead=True), name="dispatch_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.department}"


class ExtensionStatus(models.TextChoices):
    ASKED = "asked", _("Asked")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """The one extension (延期) a request may have: asked before the deadline with a reason, decided by the
    team leader."""

    request = models.OneToOneField(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="extension"
    )
    days = models.PositiveSmallIntegerField(_("working days more"))
    reason = models.TextField(_("reason"))
    asked_at = models.DateTimeField(_("asked at"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.ASKED
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline_before = models.DateField(_("deadline before"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.request} +{self.days}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY_SATISFIED = "fairly_satisfied", _("Fairly satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online, by the enterprise")
    PHONE = "phone", _("Follow-up call")
    VISIT = "visit", _("Follow-up visit")


class Rating(models.Model):
    """The enterprise's rating of a closure (回访满意度): online on the progress page, or recorded by a team
    member after a follow-up call or visit. 不满意 reopens the request."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="ratings"
    )
    at = models.DateTimeField(_("at"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} {self.satisfaction}"
