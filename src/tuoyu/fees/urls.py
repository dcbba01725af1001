"""Fees' pages; each area keeps its own block of routes."""

from tuoyu.fees import views

app_name = "fees"
urlpatterns = [
    # Guided prices, meal plans, statements, payments and arrears.
    *views.urlpatterns,
]
