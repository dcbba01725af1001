from django.urls import path

from tuoyu.enterprises.views import figures, progress, requests

app_name = "enterprises"

urlpatterns = [
    path("enterprise-service/requests/<uuid:code>/", requests.request_detail, name="request"),
    path("service/progress/<uuid:code>/", progress.progress, name="progress"),
    path("enterprise-service/figures/", figures.figures, name="figures"),
    path("enterprise-service/figures/report.pdf", figures.report_pdf, name="figures_report"),
]
