from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tuoyu.accounts.access import role_assignments_of
from tuoyu.accounts.forms import PhoneForm, PhoneLoginForm, RegisterForm
from tuoyu.accounts.services import guardian_register, verification_send
from tuoyu.refusals import Refusal


class LoginView(auth_views.LoginView):
    form_class = PhoneLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def me(request: HttpRequest) -> HttpResponse:
    assignments = sorted(role_assignments_of(request.user), key=lambda a: a.role)
    return render(request, "accounts/me.html", {"assignments": assignments})


REGISTER_PHONE = "register_phone"


def register(request: HttpRequest) -> HttpResponse:
    """Guardian sign-up in two steps a code goes to the mobile number, the code opens the account."""
    if request.user.is_authenticated:
        return redirect("enrolment:family")
    phone = request.session.get(REGISTER_PHONE, "")
    phone_form = PhoneForm(initial={"phone": phone})
    register_form = RegisterForm()
    if request.method == "POST" and "send_code" in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            phone = phone_form.cleaned_data["phone"]
            try:
                verification_send(phone=phone)
            except ValidationError as error:
                phone_form.add_error("phone", error)
            else:
                request.session[REGISTER_PHONE] = phone
                messages.success(
                    request, _("A code was sent to %(phone)s by text message.") % {"phone": phone}
                )
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
