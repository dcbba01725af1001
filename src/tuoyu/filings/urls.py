from django.urls import path

from tuoyu.filings import views

app_name = "filings"
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("start/", views.filing_start, name="start"),
    path("decisions/", views.decisions, name="decisions"),
    path("materials/<uuid:code>/", views.material_download, name="material"),
    path("<uuid:code>/", views.filing_detail, name="detail"),
    path("<uuid:code>/edit/", views.filing_edit, name="edit"),
    path("<uuid:code>/materials/", views.filing_attach, name="attach"),
    path("<uuid:code>/submit/", views.filing_submit, name="submit"),
    path("<uuid:code>/approve/", views.filing_approve, name="approve"),
    path("<uuid:code>/return/", views.filing_return, name="return"),
    path("<uuid:code>/versions/<int:number>/", views.filing_version, name="version"),
]
