from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.validators import validate_mainland_mobile


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(phone=phone, **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with a mainland mobile number."""

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[validate_mainland_mobile]
    )
    display_name = models.CharField(_("display name"), max_length=50)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("back-office access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.masked_phone})"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new password or a deactivated account revokes every API token the account holds."""
        password_changed = getattr(self, "_password", None) is not None  # set by set_password()
        super().save(*args, **kwargs)
        if self.pk and (password_changed or not self.is_active):
            from tuoyu.accounts.tokens import tokens_revoke_all  # tokens imports this module

            tokens_revoke_all(self)


class Role(models.TextChoices):
    REGULATOR = "regulator", _("District regulator")
    DIRECTOR = "director", _("Institution director")
    CAREGIVER = "caregiver", _("Caregiver")
    HEALTH_WORKER = "health_worker", _("Health worker")
    DOCTOR = "doctor", _("Partner-hospital doctor")
    GUARDIAN = "guardian", _("Guardian")
    # The enterprise service desk (企业服务): a member of a service team, and a department's contact who
    # answers the problems dispatched to it; both held within a region (the team's, the department's).
    ENTERPRISE_SERVICE = "enterprise_service", _("Enterprise service officer")
    DEPARTMENT_CONTACT = "department_contact", _("Department contact")


INSTITUTION_ROLES = (Role.DIRECTOR, Role.CAREGIVER, Role.HEALTH_WORKER)
REGION_ROLES = (Role.REGULATOR, Role.ENTERPRISE_SERVICE, Role.DEPARTMENT_CONTACT)


class RoleAssignment(models.Model):
    """A role a user holds, with the scope it applies to (a region, an institution or a hospital)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), null=True, blank=True, on_delete=models.CASCADE
    )
    hospital = models.ForeignKey(
        "registry.Hospital", verbose_name=_("hospital"), null=True, blank=True, on_delete=models.CASCADE
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_assignment_scope_matches_role",
                condition=(
                    Q(
                        role__in=REGION_ROLES,
                        region__isnull=False,
                        institution__isnull=True,
                        hospital__isnull=True,
                    )
                    | Q(
                        role__in=INSTITUTION_ROLES,
                        institution__isnull=False,
                        region__isnull=True,
                        hospital__isnull=True,
                    )
                    | Q(
                        role=Role.DOCTOR,
                        hospital__isnull=False,
                        region__isnull=True,
                        institution__isnull=True,
                    )
                    | Q(
                        role=Role.GUARDIAN,
                        region__isnull=True,
                        institution__isnull=True,
                        hospital__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name}: {self.get_role_display()} @ {self.scope_label}"

    @property
    def scope_label(self) -> str:
        scope = self.region or self.institution or self.hospital
        return str(scope) if scope else str(_("own children"))


class VerificationPurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    SIGN_IN = "sign_in", _("Sign-in by text message")
    RESET = "reset", _("Password reset")


class PhoneVerification(models.Model):
    """A one-time code sent by text message to prove a mobile number: to register as a guardian, to sign in,
    or to set a new password. A code serves only its purpose."""

    phone = models.CharField(_("mobile number"), max_length=11, validators=[validate_mainland_mobile])
    purpose = models.CharField(
        _("purpose"), max_length=8, choices=VerificationPurpose.choices, default=VerificationPurpose.REGISTER
    )
    code_digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mobile verification")
        verbose_name_plural = _("mobile verifications")
        indexes = [models.Index(fields=["phone", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} @ {self.sent_at:%Y-%m-%d %H:%M}"


class LockoutReason(models.TextChoices):
    ACCOUNT = "account", _("Too many failures for this account")
    ADDRESS = "address", _("Too many failures from this address")


class LoginLockout(models.Model):
    """Sign-in refused for a while after repeated failures (django-axes keeps the counts in the cache; this
    is the log). A regulator or an administrator may lift it early."""

    reason = models.CharField(_("reason"), max_length=10, choices=LockoutReason.choices)
    phone = models.CharField(_("mobile number tried"), max_length=150, blank=True)
    user = models.ForeignKey(
        User, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("where"), max_length=200, blank=True)
    locked_at = models.DateTimeField(_("locked at"))
    locked_until = models.DateTimeField(_("locked until"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, verbose_name=_("lifted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sign-in lockout")
        verbose_name_plural = _("sign-in lockouts")
        ordering = ["-locked_at"]
        indexes = [
            models.Index(fields=["phone", "locked_until"]),
            models.Index(fields=["ip_address", "locked_until"]),
        ]

    def __str__(self) -> str:
        who = self.user.masked_phone if self.user else (self.phone or self.ip_address or "")
        return f"{who} @ {self.locked_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and self.locked_until > timezone.now()
