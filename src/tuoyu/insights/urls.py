from django.urls import path

from tuoyu.insights import views

app_name = "insights"
urlpatterns = [
    path("overview/", views.home, name="home"),
    path("regions/<str:code>/", views.region_overview, name="region_overview"),
]
