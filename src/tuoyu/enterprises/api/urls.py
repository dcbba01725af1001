"""The enterprise service desk's API, mounted under /api/v1/."""

from django.urls import URLPattern

from tuoyu.enterprises.api import figures, progress, register, requests, visits

urlpatterns: list[URLPattern] = [
    *progress.urlpatterns,
    *register.urlpatterns,
    *visits.urlpatterns,
    *requests.urlpatterns,
    *figures.urlpatterns,
]
