"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.subsidies.views import ledger, policies

app_name = "subsidies"
urlpatterns = [
    *policies.urlpatterns,
    *ledger.urlpatterns,
]
