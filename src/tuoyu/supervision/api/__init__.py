"""Supervision's API; each area's module lists its own ``urlpatterns``."""

from tuoyu.supervision.api import cases, findings

urlpatterns = [*findings.urlpatterns, *cases.urlpatterns]
