from django.urls import path

from tuoyu.bookings import views

app_name = "bookings"
urlpatterns = [
    path("", views.index, name="index"),
    path("temporary-care/<uuid:code>/book/", views.slot_book, name="slot_book"),
    path("temporary-care/bookings/<uuid:code>/cancel/", views.slot_cancel, name="slot_cancel"),
    path("parent-child/<uuid:code>/book/", views.session_book, name="session_book"),
    path("parent-child/bookings/<uuid:code>/cancel/", views.session_cancel, name="session_cancel"),
    path("manage/", views.manage, name="manage"),
]
