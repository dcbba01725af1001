from django.urls import path

from tuoyu.enterprises.views import (
    desk,
    dispatches,
    figures,
    mine,
    progress,
    register,
    requests,
    teams,
    visits,
)

app_name = "enterprises"

urlpatterns = [
    path("enterprise-service/requests/<uuid:code>/", requests.request_detail, name="request"),
    path("service/progress/<uuid:code>/", progress.progress, name="progress"),
    path("enterprise-service/figures/", figures.figures, name="figures"),
    path("enterprise-service/figures/report.pdf", figures.report_pdf, name="figures_report"),
]

# The register of enterprises, the teams and departments, and visits.
urlpatterns += [
    path("enterprise-service/enterprises/", register.enterprise_list, name="enterprises"),
    path("enterprise-service/enterprises/new/", register.enterprise_new, name="enterprise_new"),
    path("enterprise-service/enterprises/import/", register.enterprise_import, name="enterprise_import"),
    path(
        "enterprise-service/enterprises/import-template.xlsx",
        register.enterprise_template,
        name="enterprise_template",
    ),
    path("enterprise-service/enterprises/<uuid:code>/", register.enterprise_detail, name="enterprise"),
    path(
        "enterprise-service/enterprises/<uuid:code>/edit/", register.enterprise_edit, name="enterprise_edit"
    ),
    path("enterprise-service/teams/", teams.team_list, name="teams"),
    path("enterprise-service/teams/<int:pk>/", teams.team_detail, name="team"),
    path("enterprise-service/teams/<int:pk>/members/", teams.team_member_add_view, name="team_member_add"),
    path(
        "enterprise-service/teams/<int:pk>/members/<int:user>/remove/",
        teams.team_member_remove_view,
        name="team_member_remove",
    ),
    path("enterprise-service/departments/", teams.department_list, name="departments"),
    path(
        "enterprise-service/departments/<int:pk>/contacts/",
        teams.department_contact_add_view,
        name="department_contact_add",
    ),
    path(
        "enterprise-service/departments/<int:pk>/contacts/<int:user>/remove/",
        teams.department_contact_remove_view,
        name="department_contact_remove",
    ),
    path("enterprise-service/visits/", visits.visit_list, name="visits"),
    path("enterprise-service/visits/new/", visits.visit_new, name="visit_new"),
    path("enterprise-service/visits/<int:pk>/", visits.visit_detail_view, name="visit"),
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
