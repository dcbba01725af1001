"""Fees' pages; each area keeps its own block of routes."""

from tuoyu.fees import views, views_allowance

app_name = "fees"
urlpatterns = [
    # Guided prices, meal plans, statements, payments and arrears.
    *views.urlpatterns,
    # The childcare allowance helper (育儿补贴)
    *views_allowance.urlpatterns,
]
