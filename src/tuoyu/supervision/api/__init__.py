"""Supervision's API; each area's module lists its own ``urlpatterns``."""

from tuoyu.supervision.api import cases, complaints, findings, inspections, planning, public_record

urlpatterns = [
    *findings.urlpatterns,
    *cases.urlpatterns,
    *complaints.urlpatterns,
    *public_record.urlpatterns,
    *planning.urlpatterns,
    *inspections.urlpatterns,
]
