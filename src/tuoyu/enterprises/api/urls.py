"""The enterprise service desk's API, mounted under /api/v1/."""

from django.urls import URLPattern

from tuoyu.enterprises.api import progress, register, requests, visits

urlpatterns: list[URLPattern] = []
urlpatterns += progress.urlpatterns
urlpatterns += register.urlpatterns
urlpatterns += visits.urlpatterns
urlpatterns += requests.urlpatterns
