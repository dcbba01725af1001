"""Fees' API."""

urlpatterns: list = []
