from django.urls import path

from tuoyu.messaging import views

app_name = "messaging"
urlpatterns = [
    path("conversations/", views.index, name="index"),
    path("conversations/<uuid:child>/", views.conversation, name="conversation"),
    path("conversations/photos/<int:pk>/", views.photo, name="photo"),
    path("notices/", views.notices, name="notices"),
    path("notices/<uuid:code>/", views.notice, name="notice"),
]
