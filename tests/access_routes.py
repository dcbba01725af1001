"""Every URL pattern of Tuoyu, filled with real identifiers of the access tests' world (access_world.py).

``FILL`` gives, per route name, the URL arguments; routes with no arguments need no entry. ``walk_routes()``
lists every pattern of the URLconf (pages, API, exports, uploads and the back office), so that a route added
later without an entry in the matrix fails the matrix test.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_world import World

Fill = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "health:child" or "api-health-child" or "admin:registry_institution_change"
    pattern: str


def walk_routes() -> list[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                yield from walk(entry.url_patterns, route, inner or "")
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                yield Route(name, route)

    return sorted(set(walk(get_resolver().url_patterns, "", "")), key=lambda route: route.name)


def code(attribute: str, key: str = "code") -> Fill:
    return lambda world: {key: getattr(world, attribute).code}


def pk(attribute: str) -> Fill:
    return lambda world: {"pk": getattr(world, attribute).pk}


def class_child(world: World) -> dict[str, Any]:
    return {"code": world.care_class.code, "child": world.child.code}


def class_day(world: World) -> dict[str, Any]:
    return {"code": world.care_class.code, "day": world.day.isoformat()}


def class_day_child(world: World) -> dict[str, Any]:
    return {**class_day(world), "child": world.child.code}


def child_day(world: World) -> dict[str, Any]:
    return {"child": world.child.code, "day": world.day.isoformat()}


INSTITUTION = code("institution")
CLASS = code("care_class")
CHILD = code("child")

FILL: dict[str, Fill] = {
    # Pages
    "insights:region_overview": lambda world: {"code": world.institution.street.parent.code},
    "registry:public_detail": INSTITUTION,
    "registry:manage_detail": INSTITUTION,
    "registry:class_caregivers": CLASS,
    "workforce:register": INSTITUTION,
    "workforce:add": INSTITUTION,
    "workforce:import": INSTITUTION,
    "workforce:roster": INSTITUTION,
    "workforce:staff": code("staff"),
    "workforce:end": code("staff"),
    "workforce:reveal_id": code("staff"),
    "workforce:scan": code("certificate"),
    "workforce:training_detail": code("training"),
    "supervision:institution_file": INSTITUTION,
    "supervision:complaint": pk("complaint"),
    "supervision:complaint_start": pk("complaint"),
    "supervision:complaint_conclude": pk("complaint"),
    "supervision:plan": pk("plan"),
    "supervision:plan_inputs": pk("plan"),
    "supervision:plan_approve": pk("plan"),
    "supervision:inspection": pk("inspection"),
    "supervision:inspection_pdf": pk("inspection"),
    "supervision:inspection_fill": pk("inspection_open"),
    "supervision:inspection_complete": pk("inspection_open"),
    "supervision:inspection_photo": pk("inspection_photo"),
    "supervision:inspection_signature": lambda world: {"pk": world.inspection.pk, "signer": "director"},
    "supervision:rectification_new": INSTITUTION,
    "supervision:finding_rectify": pk("finding"),
    "supervision:case": pk("case"),
    "supervision:case_answer": pk("case"),
    "supervision:case_verify": pk("case"),
    "supervision:case_return": pk("case"),
    "supervision:case_attachment": lambda world: {
        "pk": world.case.pk,
        "attachment": world.case_attachment.pk,
    },
    "enrolment:apply": INSTITUTION,
    "enrolment:child": CHILD,
    "enrolment:child_export": CHILD,
    "enrolment:child_delete": CHILD,
    "enrolment:child_photo": CHILD,
    "enrolment:child_photo_set": CHILD,
    "enrolment:child_photo_remove": CHILD,
    "enrolment:pickup_remove": lambda world: {"code": world.child.code, "pk": world.pickup.pk},
    "enrolment:application_withdraw": code("application"),
    "enrolment:offer": code("offer"),
    "enrolment:priority_add": INSTITUTION,
    "enrolment:offer_new": code("application"),
    "enrolment:class_roster": CLASS,
    "enrolment:placement_end": code("placement"),
    "enrolment:task_complete": pk("task"),
    "daycare:class": CLASS,
    "daycare:class_ratio": CLASS,
    "daycare:child": class_child,
    "daycare:child_row": class_child,
    "daycare:check_in": class_child,
    "daycare:noon_check": class_child,
    "daycare:absence": class_child,
    "daycare:check_out": class_child,
    "daycare:follow_up": pk("follow_up"),
    "daycare:institution_today": INSTITUTION,
    "daycare:child_attendance": CHILD,
    "daycare:family_absence_withdraw": pk("family_absence"),
    "registry:photo": pk("institution_photo"),
    "registry:photo_add": INSTITUTION,
    "registry:photo_delete": pk("institution_photo"),
    "registry:photo_move_up": pk("institution_photo"),
    "daycare:carelog_batch": CLASS,
    "daycare:carelog_child": class_child,
    "daycare:carelog_entry_add": class_child,
    "daycare:carelog_sleep_end": code("sleep"),
    "daycare:daily_report_review": CLASS,
    "daycare:daily_report_publish_all": class_day,
    "daycare:daily_report_summary": class_day_child,
    "daycare:daily_report_publish": class_day_child,
    "daycare:daily_report_photo_add": class_day_child,
    "daycare:report_photo": pk("photo"),
    "daycare:report_photo_delete": pk("photo"),
    "daycare:activity_areas": INSTITUTION,
    "daycare:family_report": child_day,
    "daycare:family_report_reply": child_day,
    "daycare:incident_acknowledge": code("incident"),
    "daycare:class_duty": CLASS,
    "daycare:outings": CLASS,
    "daycare:kitchen": INSTITUTION,
    "daycare:menu": INSTITUTION,
    "health:child": CHILD,
    "health:child_export": CHILD,
    "health:child_pdf": CHILD,
    "health:growth": CHILD,
    "health:measurement_add": CHILD,
    "health:care": CHILD,
    "health:exam_add": CHILD,
    "health:screening_add": CHILD,
    "health:referral_add": CHILD,
    "health:immunisation_add": CHILD,
    "health:referral_outcome": pk("referral"),
    "health:outbreak": pk("outbreak"),
    "health:outbreak_report": pk("outbreak"),
    "health:outbreak_resolve": pk("outbreak"),
    "health:outbreak_class": CLASS,
    "health:quarantine_add": CLASS,
    "health:diagnosis_add": CHILD,
    "health:return_certificate": pk("diagnosis"),
    "bookings:slot_book": code("slot"),
    "bookings:slot_cancel": code("slot_booking"),
    "bookings:session_book": code("session"),
    "bookings:session_cancel": code("session_booking"),
    "fees:meal_plan": INSTITUTION,
    "fees:statements": INSTITUTION,
    "fees:statements_issue": INSTITUTION,
    "fees:arrears": INSTITUTION,
    "fees:statement": code("fee_statement"),
    "fees:statement_pdf": code("fee_statement"),
    "fees:statement_reissue": code("fee_statement"),
    "fees:payment_record": code("fee_statement"),
    "filings:material": code("material"),
    "filings:detail": code("filing"),
    "filings:edit": code("filing"),
    "filings:attach": code("filing"),
    "filings:submit": code("filing"),
    "filings:approve": code("filing"),
    "filings:return": code("filing"),
    "filings:version": lambda world: {"code": world.filing.code, "number": world.version.number},
    "accounts:token_revoke": lambda world: {"key": world.token.token_key},
    "admin:app_list": lambda world: {"app_label": "registry"},
    "admin:view_on_site": lambda world: {"content_type_id": 1, "object_id": 1},
    "admin:auth_user_password_change": lambda world: {"id": world.family.pk},
    "accounts:lockout_lift": pk("lockout"),
    # API
    "api-auth-token-revoke": lambda world: {"key": world.token.token_key},
    "api-token-revoke": lambda world: {"key": world.token.token_key},
    "api-region-indicators": lambda world: {"code": world.institution.street.parent.code},
    "api-institution-detail": INSTITUTION,
    "api-institution-classes": INSTITUTION,
    "api-institution-staff": INSTITUTION,
    "api-institution-roster": INSTITUTION,
    "api-staff": code("staff"),
    "api-staff-end": code("staff"),
    "api-staff-identity-number": code("staff"),
    "api-staff-certificates": code("staff"),
    "api-certificate-scan": code("certificate"),
    "api-training-session": code("training"),
    "api-training-enrolments": code("training"),
    "api-training-attendance": code("training"),
    "api-institution-findings": INSTITUTION,
    "api-institution-inspections": INSTITUTION,
    "api-complaint-status": lambda world: {"ticket": world.complaint.ticket},
    "api-supervision-complaint": pk("complaint"),
    "api-supervision-complaint-start": pk("complaint"),
    "api-supervision-complaint-conclude": pk("complaint"),
    "api-region-risk": lambda world: {"code": world.institution.street.parent.code},
    "api-region-service-figures": lambda world: {"code": world.institution.street.parent.code},
    "api-inspection-plan": pk("plan"),
    "api-inspection-plan-approve": pk("plan"),
    "api-inspection": lambda world: {"reference": world.inspection.number},
    "api-inspection-pdf": pk("inspection"),
    "api-inspection-item": lambda world: {"pk": world.inspection.pk, "item_id": world.inspection_item.pk},
    "api-inspection-item-photos": lambda world: {
        "pk": world.inspection_open.pk,
        "item_id": world.inspection_open_item.pk,
    },
    "api-inspection-signatures": pk("inspection_open"),
    "api-inspection-complete": pk("inspection_open"),
    "api-institution-rectifications": INSTITUTION,
    "api-finding-rectification": pk("finding"),
    "api-case": pk("case"),
    "api-case-answer": pk("case"),
    "api-case-verify": pk("case"),
    "api-case-return": pk("case"),
    "api-case-attachment": lambda world: {"pk": world.case.pk, "attachment": world.case_attachment.pk},
    "api-filing": code("filing"),
    "api-filing-materials": code("filing"),
    "api-filing-submit": code("filing"),
    "api-filing-approve": code("filing"),
    "api-filing-return": code("filing"),
    "api-filing-material": code("material"),
    "api-temporary-care-booking-cancel": code("slot_booking"),
    "api-parent-child-booking-cancel": code("session_booking"),
    "api-institution-priorities": INSTITUTION,
    "api-child": CHILD,
    "api-child-export": CHILD,
    "api-child-deletion": CHILD,
    "api-pickup-persons": CHILD,
    "api-entry-exams": CHILD,
    "api-application-withdraw": code("application"),
    "api-application-offer": code("application"),
    "api-offer": code("offer"),
    "api-offer-accept": code("offer"),
    "api-offer-decline": code("offer"),
    "api-placement-end": code("placement"),
    "api-class-roster": CLASS,
    "api-task-complete": pk("task"),
    "api-care-attendance": CLASS,
    "api-care-check-ins": CLASS,
    "api-care-noon-checks": CLASS,
    "api-care-absences": CLASS,
    "api-care-check-outs": CLASS,
    "api-care-follow-up": pk("follow_up"),
    "api-care-child-attendance": CHILD,
    "api-care-family-absences": CHILD,
    "api-care-family-absence": lambda world: {"code": world.child.code, "pk": world.family_absence_api.pk},
    "api-care-entry-wake": code("sleep"),
    "api-care-batch": CLASS,
    "api-care-child-day": lambda world: {**class_child(world), "day": world.day.isoformat()},
    "api-care-class-reports": class_day,
    "api-care-publish-all": class_day,
    "api-care-report-summary": class_day_child,
    "api-care-report-publish": class_day_child,
    "api-care-report-photos": class_day_child,
    "api-care-photo": pk("photo"),
    "api-care-report": child_day,
    "api-care-report-reply": child_day,
    "api-care-incident-acknowledge": code("incident"),
    "api-care-activity-areas": INSTITUTION,
    "api-class-duty": CLASS,
    "api-duty-start": CLASS,
    "api-duty-end": CLASS,
    "api-class-outings": CLASS,
    "api-outing-return": code("outing"),
    "api-weather-exemptions": INSTITUTION,
    "api-institution-menus": INSTITUTION,
    "api-menu-publish": INSTITUTION,
    "api-current-menu": INSTITUTION,
    "api-food-samples": INSTITUTION,
    "api-food-sample-discard": pk("food_sample"),
    "api-health-child": CHILD,
    "api-health-child-measurements": CHILD,
    "api-health-child-schedule": CHILD,
    "api-health-child-exams": CHILD,
    "api-health-child-screenings": CHILD,
    "api-health-child-referrals": CHILD,
    "api-health-child-immunisation-checks": CHILD,
    "api-health-referral": pk("referral"),
    "api-health-outbreak": pk("outbreak"),
    "api-health-outbreak-report": pk("outbreak"),
    "api-health-outbreak-resolve": pk("outbreak"),
    "api-health-return-certificate": pk("diagnosis"),
    # The childcare allowance helper (fees)
    "api-child-allowance": CHILD,
    "api-region-allowance": lambda world: {"code": world.institution.street.parent.code},
    # Subsidy policies
    "subsidies:policy_edit": code("subsidy_policy"),
    "subsidies:policy_end": code("subsidy_policy"),
    "api-subsidy-policy": code("subsidy_policy"),
    "api-subsidy-policy-end": code("subsidy_policy"),
    "api-fees-meal-plan": INSTITUTION,
    "api-fees-institution-statements": INSTITUTION,
    "api-fees-arrears": INSTITUTION,
    "api-fees-statement": code("fee_statement"),
    "api-fees-statement-pdf": code("fee_statement"),
    "api-fees-statement-reissue": code("fee_statement"),
    "api-fees-statement-payments": code("fee_statement"),
    "subsidies:claim_prepare": INSTITUTION,
    "subsidies:claim": code("claim"),
    "subsidies:claim_recompute": code("claim"),
    "subsidies:claim_submit": code("claim"),
    "subsidies:claim_line_exclude": lambda world: {"code": world.claim.code, "line": world.claim_line.pk},
    "subsidies:claim_return": code("claim"),
    "subsidies:claim_decide": code("claim"),
    "subsidies:claim_reassess": code("decided_claim"),
    "subsidies:decision": code("decision"),
    "subsidies:decision_pdf": code("decision"),
    "api-institution-child-months": INSTITUTION,
    "api-subsidy-claim": code("claim"),
    "api-subsidy-claim-submit": code("claim"),
    "api-subsidy-claim-line-exclude": lambda world: {"code": world.claim.code, "line": world.claim_line.pk},
    "api-subsidy-claim-return": code("claim"),
    "api-subsidy-claim-decide": code("claim"),
    "api-subsidy-claim-reassess": code("decided_claim"),
    "api-subsidy-decision": code("decision"),
    "api-subsidy-decision-pdf": code("decision"),
    # Family messages and notices
    "messaging:conversation": lambda world: {"child": world.child.code},
    "messaging:photo": pk("message_photo"),
    "messaging:notice": code("notice"),
    "api-conversation": lambda world: {"child": world.child.code},
    "api-conversation-send": lambda world: {"child": world.child.code},
    "api-conversation-read": lambda world: {"child": world.child.code},
    "api-conversation-photo": pk("message_photo"),
    "api-notice": code("notice"),
    "api-notice-read": code("notice"),
    "api-notice-readers": code("notice"),
}

# The subsidy ledger: the demo district and a decision of 爱彼宝.
FILL.update(
    {
        "api-region-subsidy-ledger": lambda world: {"code": world.institution.street.parent.code},
        "api-region-subsidy-budget": lambda world: {"code": world.institution.street.parent.code},
        "api-region-subsidy-dashboard": lambda world: {"code": world.institution.street.parent.code},
        "api-subsidy-decision-payments": code("subsidy_decision"),
        "api-subsidy-decision-refunds": code("subsidy_decision"),
    }
)


# The enterprise service desk's register, teams, departments and visits.
FILL.update(
    {
        "enterprises:enterprise": code("desk_enterprise"),
        "enterprises:enterprise_edit": code("desk_enterprise"),
        "enterprises:team": pk("desk_team"),
        "enterprises:team_member_add": pk("desk_team"),
        "enterprises:team_member_remove": lambda world: {
            "pk": world.desk_team.pk,
            "user": world.desk_member.pk,
        },
        "enterprises:department_contact_add": pk("desk_department"),
        "enterprises:department_contact_remove": lambda world: {
            "pk": world.desk_department.pk,
            "user": world.desk_contact.pk,
        },
        "enterprises:visit": pk("desk_visit"),
    }
)
# The enterprise service desk: the world's request and its dispatch.
FILL.update(
    {
        **{
            name: code("service_request")
            for name in (
                "enterprises:request",
                "enterprises:request_accept",
                "enterprises:request_dispatch",
                "enterprises:request_close",
                "enterprises:request_follow_up",
                "enterprises:request_extension",
                "enterprises:request_extension_decide",
                "enterprises:request_note",
            )
        },
        "enterprises:dispatch_reply": lambda world: {
            "code": world.service_request.code,
            "pk": world.dispatch.pk,
        },
    }
)


# The enterprise service desk: the progress link of the world's request (with its token), the API.
def service_request_token(world: World) -> str:
    return f"?token={world.service_request.token}"


SERVICE_REQUEST = code("service_request")
FILL.update(
    {
        "enterprises:progress": SERVICE_REQUEST,
        "api-service-request-progress": SERVICE_REQUEST,
        "api-service-request-rating": SERVICE_REQUEST,
        "api-service-request": SERVICE_REQUEST,
        "api-service-request-accept": SERVICE_REQUEST,
        "api-service-request-dispatch": SERVICE_REQUEST,
        "api-service-request-close": SERVICE_REQUEST,
        "api-service-request-follow-up": SERVICE_REQUEST,
        "api-service-request-extension": SERVICE_REQUEST,
        "api-service-request-extension-decision": SERVICE_REQUEST,
        "api-service-request-note": SERVICE_REQUEST,
        "api-enterprise": code("service_enterprise"),
        "api-enterprise-visit": pk("service_visit"),
        "api-enterprise-dispatch-reply": pk("service_dispatch"),
    }
)
# Query strings some routes are asked with: the token of a progress link.
QUERY: dict[str, Fill] = {
    "enterprises:progress": service_request_token,
    "api-service-request-progress": service_request_token,
    "api-service-request-rating": service_request_token,
}


# What a POST-only route is sent: most get an empty body (an insider gets a refusal, an outsider a 404);
# these two look the object up from the body.
def complaint_form(world: World) -> dict[str, Any]:
    return {
        "institution": str(world.institution.code),
        "category": "fees",
        "content": "乱收费",
        "anonymous": True,
    }


def conclusion(world: World) -> dict[str, Any]:
    return {"outcome": "unfounded", "reasons": "调取监控未见异常。"}


DATA: dict[str, Fill] = {
    "supervision:complaint_new": complaint_form,
    "api-complaints": complaint_form,
    "supervision:complaint_conclude": conclusion,
    "api-supervision-complaint-conclude": conclusion,
    "filings:start": lambda world: {"institution": str(world.institution.code), "kind": "change"},
    "health:screening_add": lambda world: {"checkpoint_months": "24"},
}

ADMIN_ACTIONS = ("changelist", "add", "change", "delete", "history")


def admin_model_of(route: Route) -> tuple[str, str] | None:
    """(model label, action) of a back-office route of a registered model; None for the others."""
    if not route.name.startswith("admin:"):
        return None
    name = route.name.removeprefix("admin:")
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix) and name.removeprefix(prefix) in ADMIN_ACTIONS:
            return model._meta.label, name.removeprefix(prefix)
    return None


def url_of(route: Route, world: World) -> str:
    model_action = admin_model_of(route)
    if model_action is not None:
        label, action = model_action
        if action in ("change", "delete", "history"):
            return reverse(route.name, kwargs={"object_id": world.admin_objects[label].pk})
        return reverse(route.name)
    if route.name == "admin:None":  # the back office's catch-all
        return "/admin/no-such-screen/"
    url = reverse(route.name, kwargs=FILL[route.name](world) if route.name in FILL else {})
    return url + QUERY[route.name](world) if route.name in QUERY else url
