from django.urls import path

from tuoyu.registry import views

app_name = "registry"
urlpatterns = [
    path("institutions/<uuid:code>/", views.public_detail, name="public_detail"),
    path("manage/institutions/", views.manage_list, name="manage_list"),
    path("manage/institutions/<uuid:code>/", views.manage_detail, name="manage_detail"),
    path("manage/classes/<uuid:code>/caregivers/", views.class_caregivers, name="class_caregivers"),
]
