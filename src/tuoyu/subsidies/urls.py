"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.subsidies.views import claims, decisions, ledger, policies

app_name = "subsidies"
urlpatterns = [
    *policies.urlpatterns,
    *claims.urlpatterns,
    *decisions.urlpatterns,
    *ledger.urlpatterns,
]
