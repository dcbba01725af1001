"""Supervision's API; each area's module lists its own ``urlpatterns``."""

from tuoyu.supervision.api import findings, inspections

urlpatterns = [*findings.urlpatterns, *inspections.urlpatterns]
