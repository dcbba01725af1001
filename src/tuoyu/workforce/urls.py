from django.urls import path

from tuoyu.workforce import views

app_name = "workforce"
urlpatterns = [
    path("workforce/institutions/<uuid:code>/staff/", views.staff_register, name="register"),
    path("workforce/institutions/<uuid:code>/staff/new/", views.staff_add, name="add"),
    path("workforce/institutions/<uuid:code>/import/", views.staff_import, name="import"),
    path("workforce/institutions/<uuid:code>/roster/", views.roster, name="roster"),
    path("workforce/staff/<uuid:code>/", views.staff_detail, name="staff"),
    path("workforce/staff/<uuid:code>/end/", views.staff_end, name="end"),
    path("workforce/staff/<uuid:code>/identity-number/", views.identity_number_reveal, name="reveal_id"),
    path("workforce/certificates/<uuid:code>/scan/", views.certificate_scan, name="scan"),
    path("workforce/staff-import-template.xlsx", views.staff_template, name="template"),
    path("workforce/staff-export.xlsx", views.staff_export, name="export"),
    path("workforce/expiring/", views.expiring, name="expiring"),
    path("training/", views.training_list, name="training"),
    path("training/<uuid:code>/", views.training_detail, name="training_detail"),
]
