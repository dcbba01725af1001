"""Fees' pages."""

from tuoyu.fees import views_allowance

app_name = "fees"
urlpatterns: list = [
    # The childcare allowance helper (育儿补贴)
    *views_allowance.urlpatterns,
]
