"""Pages of health and the medical partnership; each area's views module lists its own ``urlpatterns``."""

from tuoyu.health.views import care, growth, outbreaks, records

app_name = "health"
urlpatterns = [*records.urlpatterns, *growth.urlpatterns, *care.urlpatterns, *outbreaks.urlpatterns]
