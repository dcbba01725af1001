"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.subsidies.views import policies

app_name = "subsidies"
urlpatterns: list = [
    *policies.urlpatterns,
]
