"""Supervision's API; each area's module lists its own ``urlpatterns``."""

from tuoyu.supervision.api import complaints, findings, public_record

urlpatterns = [*findings.urlpatterns, *complaints.urlpatterns, *public_record.urlpatterns]
