"""Supervision's pages; each area's views module lists its own ``urlpatterns``."""

from tuoyu.supervision.views import cases, complaints, findings, inspections, planning

app_name = "supervision"
urlpatterns = [
    *findings.urlpatterns,
    *cases.urlpatterns,
    *complaints.urlpatterns,
    *planning.urlpatterns,
    *inspections.urlpatterns,
]
