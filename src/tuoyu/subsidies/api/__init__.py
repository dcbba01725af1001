"""Subsidies' API; each area's module lists its own ``urlpatterns``."""

from tuoyu.subsidies.api import ledger, policies

urlpatterns = [
    *policies.urlpatterns,
    *ledger.urlpatterns,
]
