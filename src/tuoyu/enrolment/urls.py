from django.urls import path

from tuoyu.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("institutions/", views.finder, name="finder"),
    path("institutions/<uuid:code>/apply/", views.apply, name="apply"),
    path("family/", views.family, name="family"),
    path("family/privacy/", views.privacy_notice, name="privacy"),
    path("family/children/add/", views.child_add, name="child_add"),
    path("family/children/<uuid:code>/", views.child_detail, name="child"),
    path("family/children/<uuid:code>/export/", views.child_export, name="child_export"),
    path("family/children/<uuid:code>/photo/", views.child_photo_set, name="child_photo_set"),
    path("family/children/<uuid:code>/photo/remove/", views.child_photo_remove, name="child_photo_remove"),
    path("children/<uuid:code>/photo/", views.child_photo, name="child_photo"),
    path("family/children/<uuid:code>/delete/", views.child_delete, name="child_delete"),
    path("family/children/<uuid:code>/pickup/<int:pk>/remove/", views.pickup_remove, name="pickup_remove"),
    path(
        "family/applications/<uuid:code>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("family/offers/<uuid:code>/", views.offer, name="offer"),
    path("enrolment/queue/", views.queue, name="queue"),
    path("enrolment/institutions/<uuid:code>/priorities/", views.priority_add, name="priority_add"),
    path("enrolment/applications/<uuid:code>/offer/", views.offer_new, name="offer_new"),
    path("enrolment/classes/<uuid:code>/", views.class_roster, name="class_roster"),
    path("enrolment/placements/<uuid:code>/end/", views.placement_end, name="placement_end"),
    path("enrolment/tasks/", views.tasks, name="tasks"),
    path("enrolment/tasks/<int:pk>/done/", views.task_complete, name="task_complete"),
]
