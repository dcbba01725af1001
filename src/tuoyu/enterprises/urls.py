from django.urls import path

from tuoyu.enterprises.views import progress, requests

app_name = "enterprises"

urlpatterns = [
    path("enterprise-service/requests/<uuid:code>/", requests.request_detail, name="request"),
    path("service/progress/<uuid:code>/", progress.progress, name="progress"),
]
