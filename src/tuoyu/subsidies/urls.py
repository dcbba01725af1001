"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.subsidies.views import claims, decisions

app_name = "subsidies"
urlpatterns = [
    *claims.urlpatterns,
    *decisions.urlpatterns,
]
