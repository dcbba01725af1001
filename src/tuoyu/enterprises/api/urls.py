"""The enterprise service desk's API, mounted under /api/v1/."""

from django.urls import URLPattern

from tuoyu.enterprises.api import figures

urlpatterns: list[URLPattern] = [
    *figures.urlpatterns,
]
