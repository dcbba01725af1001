"""Supervision's pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.supervision.views import cases, complaints, desk, findings, inspections, planning

app_name = "supervision"
urlpatterns = [
    *findings.urlpatterns,
    *desk.urlpatterns,
    *cases.urlpatterns,
    *complaints.urlpatterns,
    *planning.urlpatterns,
    *inspections.urlpatterns,
]
