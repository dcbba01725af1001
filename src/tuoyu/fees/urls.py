"""Fees' pages."""

app_name = "fees"
urlpatterns: list = []
