"""Supervision's pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.supervision.views import cases, findings, planning

app_name = "supervision"
urlpatterns = [*findings.urlpatterns, *cases.urlpatterns, *planning.urlpatterns]
