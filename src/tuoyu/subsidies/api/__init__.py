"""Subsidies' API; each area's module lists its own ``urlpatterns``."""

from tuoyu.subsidies.api import ledger

urlpatterns: list = [
    *ledger.urlpatterns,
]
