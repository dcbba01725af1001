"""Subsidies' API; each area's module lists its own ``urlpatterns``."""

from tuoyu.subsidies.api import child_months, claims, decisions, ledger, policies

urlpatterns = [
    *policies.urlpatterns,
    *child_months.urlpatterns,
    *claims.urlpatterns,
    *decisions.urlpatterns,
    *ledger.urlpatterns,
]
