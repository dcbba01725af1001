import time
from collections.abc import Callable
from typing import Any, TypeVar

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from tuoyu.accounts import second_factor, tokens
from tuoyu.accounts.access import (
    AuthenticatedRequest,
    Perm,
    get_visible_or_404,
    has_perm,
    role_assignments_of,
)
from tuoyu.accounts.forms import (
    CodeForm,
    PasswordResetForm,
    PhoneForm,
    PhoneLoginForm,
    RegisterForm,
    SmsCodeForm,
)
from tuoyu.accounts.lockout import cool_off_minutes, lockout_lift, lockout_response, lockouts_visible_to
from tuoyu.accounts.models import User, VerificationPurpose
from tuoyu.accounts.services import (
    guardian_register,
    password_reset_by_code,
    sign_in_code_check,
    verification_send,
)
from tuoyu.accounts.throttles import VerificationThrottle
from tuoyu.accounts.tokens import tokens_of
from tuoyu.refusals import Refusal

PENDING_LOGIN = "pending_login"
PENDING_LOGIN_SECONDS = 5 * 60
RECOVERY_CODES_TO_SHOW = "recovery_codes_to_show"


def _safe_next(request: HttpRequest, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else default


def _landing(user: Any) -> str:
    """Where a sign-in without ``next`` lands: a regulator at the supervision desk, everyone else at
    ``LOGIN_REDIRECT_URL``."""
    if has_perm(user, Perm.SUPERVISE_REGION):
        return reverse("supervision:desk")
    return str(reverse_lazy(settings.LOGIN_REDIRECT_URL))


def _second_factor_next(request: HttpRequest, user: User, backend: str, next_url: str) -> HttpResponse:
    """The first factor is shown: the account's second factor is asked next (``login_verify``)."""
    request.session[PENDING_LOGIN] = {
        "user": user.pk,
        "backend": backend,
        "at": time.time(),
        "next": next_url,
    }
    return redirect("accounts:login_verify")


class LoginView(auth_views.LoginView):
    """Mobile number and password; then, for an account with a second factor, its code (``login_verify``)."""

    form_class = PhoneLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user = getattr(self, "signing_in", None) or self.request.user
        return _landing(user)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        self.signing_in = user
        if not second_factor.has_second_factor(user):
            return super().form_valid(form)  # signed in; the middleware sends required roles to set it up
        return _second_factor_next(self.request, user, user.backend, self.get_success_url())


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_LOGIN)
    if not pending or time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user else None


def login_verify(request: HttpRequest) -> HttpResponseBase:
    """The second step of signing in: the app's code or a recovery code. Failures count towards the same
    lockout as wrong passwords."""
    found = _pending_user(request)
    if found is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    user, pending = found
    credentials = {"username": user.phone}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _code_accepted(request, user, form)
        if device is not None:
            del request.session[PENDING_LOGIN]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
    return render(request, "accounts/login_verify.html", {"form": form})


def _code_accepted(request: HttpRequest, user: User, form: CodeForm) -> Device | None:
    """The device that accepts the form's code; a wrong code counts towards the lockout as a wrong password
    does, and the form says so."""
    device = second_factor.second_factor_verify(user, form.cleaned_data["code"])
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": user.phone}, request=request)
        form.add_error("code", second_factor.WRONG_CODE)
    return device


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def me(request: AuthenticatedRequest) -> HttpResponse:
    assignments = sorted(role_assignments_of(request.user), key=lambda a: a.role)
    context = {
        "assignments": assignments,
        "second_factor_on": second_factor.has_second_factor(request.user),
        "tokens": tokens_of(request.user),
    }
    return render(request, "accounts/me.html", context)


@login_required
def two_factor(request: AuthenticatedRequest) -> HttpResponseBase:
    """Set up two-step verification, or see it and renew the recovery codes; for an account that has it but
    whose session is not yet verified, ask for the code."""
    user = request.user
    next_url = _safe_next(request, default=str(reverse_lazy("accounts:me")))
    if second_factor.has_second_factor(user):
        if not user.is_verified():  # type: ignore[attr-defined]
            return _verify_session(request, next_url)
        codes = request.session.pop(RECOVERY_CODES_TO_SHOW, None)
        context = {
            "codes": codes,
            "codes_left": second_factor.recovery_codes_left(user),
            "required": second_factor.second_factor_required(user),
            "next": next_url,
        }
        return render(request, "accounts/two_factor.html", context)
    device = second_factor.app_device_pending(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.app_device_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except Refusal as refusal:
            form.add_error("code", refusal)
        else:
            otp_login(request, device)
            request.session[RECOVERY_CODES_TO_SHOW] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(f"{request.path}?next={next_url}")
    context = {
        "form": form,
        "qr_svg": second_factor.qr_code_svg(device),
        "secret": second_factor.secret_of(device),
        "required": second_factor.second_factor_required(user),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _verify_session(request: AuthenticatedRequest, next_url: str) -> HttpResponseBase:
    """A signed-in session of an account that has a second factor but has not shown it yet."""
    credentials = {"username": request.user.phone}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _code_accepted(request, request.user, form)
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "accounts/login_verify.html", {"form": form, "next": next_url})


@login_required
@require_POST
def recovery_codes_renew(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_verified():  # type: ignore[attr-defined]
        raise Http404
    request.session[RECOVERY_CODES_TO_SHOW] = second_factor.recovery_codes_renew(user=request.user)
    messages.success(request, _("New recovery codes were made; the old ones no longer work."))
    return redirect("accounts:two_factor")


@login_required
@require_POST
def two_factor_off(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if second_factor.second_factor_required(user) or not user.is_verified():  # type: ignore[attr-defined]
        raise Http404
    second_factor.second_factor_remove(user=user)
    messages.success(request, _("Two-step verification is off."))
    return redirect("accounts:me")


@login_required
def lockouts(request: AuthenticatedRequest) -> HttpResponse:
    """Sign-in lockouts a regulator or administrator may lift (others: 404)."""
    if not has_perm(request.user, Perm.LIFT_LOCKOUTS):
        raise Http404
    context = {
        "lockouts": lockouts_visible_to(request.user)[:200],
        "per_account": settings.LOCKOUT_FAILURES_PER_ACCOUNT,
        "per_address": settings.LOCKOUT_FAILURES_PER_ADDRESS,
        "minutes": cool_off_minutes(),
    }
    return render(request, "accounts/lockouts.html", context)


@login_required
@require_POST
def lockout_lift_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lockout = get_visible_or_404(lockouts_visible_to(request.user), pk=pk)
    lockout_lift(actor=request.user, lockout=lockout)
    messages.success(request, _("The lockout was lifted: the account can sign in again."))
    return redirect("accounts:lockouts")


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, key: str) -> HttpResponse:
    if not tokens.token_revoke(request.user, key):
        raise Http404
    messages.success(request, _("The app's access was revoked."))
    return redirect("accounts:me")


REGISTER_PHONE = "register_phone"


def register(request: HttpRequest) -> HttpResponse:
    """Guardian sign-up in two steps: a code goes to the mobile number, the code opens the account."""
    if request.user.is_authenticated:
        return redirect("enrolment:family")
    phone = request.session.get(REGISTER_PHONE, "")
    phone_form = PhoneForm(initial={"phone": phone})
    register_form = RegisterForm()
    if request.method == "POST" and "send_code" in request.POST:
        phone_form = PhoneForm(request.POST)
        if _code_sent(request, phone_form, VerificationPurpose.REGISTER):
            request.session[REGISTER_PHONE] = phone_form.cleaned_data["phone"]
            return redirect("accounts:register")
    elif request.method == "POST" and phone:
        register_form = RegisterForm(request.POST)
        if register_form.is_valid():
            try:
                user = guardian_register(phone=phone, language=get_language(), **register_form.cleaned_data)
            except ValidationError as error:
                register_form.add_error("code" if isinstance(error, Refusal) else "password", error)
            else:
                del request.session[REGISTER_PHONE]
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("enrolment:privacy")
    context = {"phone": phone, "phone_form": phone_form, "register_form": register_form}
    return render(request, "accounts/register.html", context)


# Codes by text message: sign-in and a new password ---------------------------------------------------------

SIGN_IN_PHONE = "sign_in_phone"
RESET_PHONE = "reset_phone"
CODE_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _code_sent(request: HttpRequest, form: PhoneForm, purpose: str) -> bool:
    """Send a code for ``purpose`` (throttled per client address, limited per number by the service); a
    refusal shows on the phone field. For an existing account the answer is the same whether or not the
    number has one; a new account's number is told the text is on its way."""
    if not form.is_valid():
        return False
    phone = form.cleaned_data["phone"]
    throttle = VerificationThrottle()
    try:
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            raise Refusal(throttle.refusal_text(), "throttled", conflict=True)
        verification_send(phone=phone, purpose=purpose)
    except ValidationError as error:
        form.add_error("phone", error)
        return False
    if purpose == VerificationPurpose.REGISTER:
        messages.success(request, _("A text message is on its way to %(phone)s.") % {"phone": phone})
    else:
        messages.success(
            request,
            _("If %(phone)s has an account, a text message with the code is on its way.") % {"phone": phone},
        )
    return True


_Checked = TypeVar("_Checked")


def _code_checked(
    request: HttpRequest, phone: str, form: forms.Form, check: Callable[[dict[str, Any]], _Checked]
) -> _Checked | HttpResponse | None:
    """The form with a code sent to ``phone``, checked by ``check`` under the sign-in lockout, for every page
    that takes such a code: a locked account gets the lockout answer before anything is looked at, and a
    refused code (wrong, expired, used up) counts as a failed sign-in of the account and shows on the form's
    code field (``None``, as for an invalid form)."""
    credentials = {"username": phone}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, credentials=credentials)
    if not form.is_valid():
        return None
    try:
        return check(form.cleaned_data)
    except Refusal as refusal:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", refusal)
        return None


def login_code(request: HttpRequest) -> HttpResponseBase:
    """Sign-in by a code sent by text message: the first factor only. An account with a second factor is
    asked for it next, as after a password; wrong codes count towards the same lockout."""
    if request.user.is_authenticated:
        return redirect(_landing(request.user))
    phone = request.session.get(SIGN_IN_PHONE, "")
    phone_form = PhoneForm(initial={"phone": phone})
    code_form = SmsCodeForm()
    next_url = _safe_next(request)
    if request.method == "POST" and "send_code" in request.POST:
        phone_form = PhoneForm(request.POST)
        if _code_sent(request, phone_form, VerificationPurpose.SIGN_IN):
            request.session[SIGN_IN_PHONE] = phone_form.cleaned_data["phone"]
            return redirect(request.get_full_path())
    elif request.method == "POST" and phone:
        code_form = SmsCodeForm(request.POST)
        user = _code_checked(
            request, phone, code_form, lambda data: sign_in_code_check(phone=phone, code=data["code"])
        )
        if isinstance(user, HttpResponse):
            return user
        if user is not None:
            del request.session[SIGN_IN_PHONE]
            target = next_url or _landing(user)
            if second_factor.has_second_factor(user):
                return _second_factor_next(request, user, CODE_BACKEND, target)
            login(request, user, backend=CODE_BACKEND)
            return redirect(target)
    context = {"phone": phone, "phone_form": phone_form, "code_form": code_form, "next": next_url}
    return render(request, "accounts/login_code.html", context)


def password_reset(request: HttpRequest) -> HttpResponse:
    """A forgotten password: a code by text message to the account's number, then the new password. Every
    session signed in with the old password ends and the app tokens are revoked (a new password's rule), as
    the page says."""
    phone = request.session.get(RESET_PHONE, "")
    phone_form = PhoneForm(initial={"phone": phone})
    reset_form = PasswordResetForm()
    if request.method == "POST" and "send_code" in request.POST:
        phone_form = PhoneForm(request.POST)
        if _code_sent(request, phone_form, VerificationPurpose.RESET):
            request.session[RESET_PHONE] = phone_form.cleaned_data["phone"]
            return redirect("accounts:password_reset")
    elif request.method == "POST" and phone:
        reset_form = PasswordResetForm(request.POST)
        try:
            user = _code_checked(
                request,
                phone,
                reset_form,
                lambda data: password_reset_by_code(
                    phone=phone, code=data["code"], password=data["password1"]
                ),
            )
        except ValidationError as error:  # the new password is too weak: the code is kept
            reset_form.add_error("password1", error)
        else:
            if isinstance(user, HttpResponse):
                return user
            if user is not None:
                request.session.pop(RESET_PHONE, None)
                messages.success(
                    request,
                    _(
                        "Your password is changed: every other sign-in has ended and apps you connected "
                        "must sign in again. Sign in with the new password."
                    ),
                )
                return redirect("accounts:login")
    context = {"phone": phone, "phone_form": phone_form, "reset_form": reset_form}
    return render(request, "accounts/password_reset.html", context)
