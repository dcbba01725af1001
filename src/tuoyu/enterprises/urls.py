from django.urls import path

from tuoyu.enterprises.views import desk, dispatches, mine, progress, requests

app_name = "enterprises"

urlpatterns = [
    path("enterprise-service/requests/<uuid:code>/", requests.request_detail, name="request"),
    path("service/progress/<uuid:code>/", progress.progress, name="progress"),
    # The desk, the request list and the actions on a request, the department contact's inbox, the signed-in
    # enterprise contact's requests.
    path("enterprise-service/", desk.desk_page, name="desk"),
    path("enterprise-service/requests/", requests.request_list, name="requests"),
    path("enterprise-service/requests/<uuid:code>/accept/", requests.request_accept, name="request_accept"),
    path(
        "enterprise-service/requests/<uuid:code>/dispatch/",
        requests.request_dispatch,
        name="request_dispatch",
    ),
    path("enterprise-service/requests/<uuid:code>/close/", requests.request_close, name="request_close"),
    path(
        "enterprise-service/requests/<uuid:code>/follow-up/",
        requests.request_follow_up,
        name="request_follow_up",
    ),
    path(
        "enterprise-service/requests/<uuid:code>/extension/",
        requests.request_extension,
        name="request_extension",
    ),
    path(
        "enterprise-service/requests/<uuid:code>/extension/decision/",
        requests.request_extension_decide,
        name="request_extension_decide",
    ),
    path("enterprise-service/requests/<uuid:code>/note/", requests.request_note, name="request_note"),
    path(
        "enterprise-service/requests/<uuid:code>/dispatches/<int:pk>/reply/",
        requests.dispatch_reply,
        name="dispatch_reply",
    ),
    path("enterprise-service/dispatches/", dispatches.dispatch_inbox, name="dispatches"),
    path("enterprise-service/mine/", mine.my_requests, name="mine"),
]
