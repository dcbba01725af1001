"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.subsidies.views import ledger

app_name = "subsidies"
urlpatterns: list = [
    *ledger.urlpatterns,
]
