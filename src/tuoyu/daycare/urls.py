"""Pages of the day in care; each area's views module lists its own ``urlpatterns``."""

from tuoyu.daycare.views import attendance, carelog, supervision

app_name = "daycare"
urlpatterns = [*attendance.urlpatterns, *carelog.urlpatterns, *supervision.urlpatterns]
