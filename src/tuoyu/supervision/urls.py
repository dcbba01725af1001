"""Supervision's pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.supervision.views import cases, desk, findings

app_name = "supervision"
urlpatterns = [*findings.urlpatterns, *cases.urlpatterns, *desk.urlpatterns]
