"""Supervision's API; each area's module lists its own ``urlpatterns``."""

from tuoyu.supervision.api import findings, planning

urlpatterns = [*findings.urlpatterns, *planning.urlpatterns]
