"""The health API; each area's module lists its own ``urlpatterns``."""

from tuoyu.health.api import care, growth, outbreaks, records

urlpatterns = [*records.urlpatterns, *growth.urlpatterns, *care.urlpatterns, *outbreaks.urlpatterns]
