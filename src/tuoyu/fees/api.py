"""Fees' API."""

from tuoyu.fees import api_allowance

urlpatterns: list = [
    # The childcare allowance helper (育儿补贴)
    *api_allowance.urlpatterns,
]
