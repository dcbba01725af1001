from django.urls import path

from tuoyu.registry import views

app_name = "registry"
urlpatterns = [
    path("institutions/<uuid:code>/", views.public_detail, name="public_detail"),
    path("manage/institutions/", views.manage_list, name="manage_list"),
    path("manage/institutions/<uuid:code>/", views.manage_detail, name="manage_detail"),
    path("manage/classes/<uuid:code>/caregivers/", views.class_caregivers, name="class_caregivers"),
    path("manage/institutions/<uuid:code>/photos/", views.photo_add, name="photo_add"),
    path("institution-photos/<int:pk>/", views.photo, name="photo"),
    path("manage/institution-photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("manage/institution-photos/<int:pk>/up/", views.photo_move_up, name="photo_move_up"),
]
