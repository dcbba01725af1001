"""Subsidies' API; each area's module lists its own ``urlpatterns``."""

from tuoyu.subsidies.api import policies

urlpatterns: list = [
    *policies.urlpatterns,
]
