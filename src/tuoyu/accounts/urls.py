from django.contrib.auth import views as auth_views
from django.urls import path

from tuoyu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/code/", views.login_code, name="login_code"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("me/", views.me, name="me"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/recovery-codes/", views.recovery_codes_renew, name="recovery_codes"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path("tokens/<str:key>/revoke/", views.token_revoke, name="token_revoke"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/lift/", views.lockout_lift_view, name="lockout_lift"),
    path("register/", views.register, name="register"),
]
