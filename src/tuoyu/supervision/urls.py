from django.urls import path

from tuoyu.supervision import views

app_name = "supervision"
urlpatterns = [
    path("rules/", views.rules_catalogue, name="rules"),
    path("supervision/institutions/<uuid:code>/", views.institution_file, name="institution_file"),
]
