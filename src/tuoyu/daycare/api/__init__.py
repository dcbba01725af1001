"""The day-in-care API; each area's module lists its own ``urlpatterns``."""

from tuoyu.daycare.api import attendance, carelog, supervision

urlpatterns = [*attendance.urlpatterns, *carelog.urlpatterns, *supervision.urlpatterns]
