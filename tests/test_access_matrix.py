"""The permission matrix of every URL of Tuoyu, for every persona, on the demo district.

Every pattern of the URLconf (pages, API, exports, uploads, the back office) is asked for by every persona
of tests/access_world.py, with real identifiers: 爱彼宝, its 托小班 and 周嘉树 (whose guardian is
``family``), their staff, filings, photos, bookings, outbreak. ``ALLOWED`` says who reaches each route
(any answer but 404: a page, a redirect after an action, a refusal with its reason); everyone else gets a
plain 404, and an anonymous visitor is sent to sign in (pages) or answered 401 (API). A route without an
entry fails the test, so a new route must say who may use it.

The same walk checks privacy (acceptance of the security issue):
- no answer is a server error;
- an answer that shows the target child's health data (the markers of access_world) comes with a row of
  the access log for that child and that user, written by that request; so does any answer of a route that
  shows children's health data (``HEALTH_ROUTES``) and names him;
- the regulators never see his name except in outbreak reports and the access log they audit, and no
  outsider sees his health data;
- who made a complaint is read by the regulator handling it only: no other persona (the institution's
  director above all) reads it in any answer.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.access_routes import DATA, Route, url_of, walk_routes
from tests.access_world import COMPLAINANT, MARKERS, PERSONAS, World, build_world
from tests.personas import signed_in_client
from tuoyu.enrolment.models import HealthRecordAccess

ANON, REG, REG2 = "anonymous", "regulator", "other_regulator"
DIR, DIR2, CARE, HW = "director", "other_director", "caregiver", "health_worker"
DOC, DOC2, FAM, GUA, ADM = "doctor", "other_doctor", "family", "guardian", "admin"
NOBODY: frozenset[str] = frozenset()
# The enterprise service desk's personas.
SO, SO2, DC, DC2, EC = (
    "service_officer",
    "other_service_officer",
    "department_contact",
    "other_department_contact",
    "enterprise_contact",
)

# Who gets an answer other than 404, route by route (grouped by the same set of personas).
ALLOWED_GROUPS: dict[frozenset[str], list[str]] = {
    frozenset({ANON, REG, REG2, DIR, DIR2, ADM}): ["admin:logout"],  # signing out of a back office one has
    frozenset({ANON, REG, REG2, DIR, DIR2, CARE, HW, DOC, DOC2, FAM, GUA, ADM}): [
        "accounts:login",
        "accounts:logout",
        "home",
        "set_language",
        "accounts:register",
        "accounts:login_code",
        "accounts:password_reset",
        "api-docs",
        "api-complaint-status",
        "api-complaints",
        "api-filing-decisions",
        "api-institution-detail",
        "api-institution-inspections",
        "api-institution-list",
        "api-institution-priorities",
        "api-parent-child-sessions",
        "api-region-indicators",
        "api-register",
        "api-rules",
        "api-schema",
        "api-temporary-care-slots",
        "api-token",
        "api-verification-code",
        "enrolment:finder",
        "filings:decisions",
        "healthz",
        "insights:home",
        "insights:region_overview",
        "registry:public_detail",
        "registry:photo",  # a photo of a public institution: public, as its page is
        "supervision:complaint_new",
        "supervision:complaint_received",
        "supervision:complaint_status",
        "supervision:public_plans",
        "supervision:rules",
    ],
    frozenset({REG, REG2, DIR, DIR2, CARE, HW, DOC, DOC2, FAM, GUA, ADM}): [
        "messaging:index",
        "messaging:notices",
        "api-conversations",
        "api-notices",
        "api-fees-statements",
        "fees:family",
        "api-subsidy-claims",
        "api-subsidy-decisions",
        "api-inspections",
        "api-cases",
        "accounts:login_verify",
        "accounts:me",
        "accounts:password_change",
        "accounts:password_change_done",
        "accounts:two_factor",
        "api-applications",
        "api-care-entries",
        "api-care-instructions",
        "api-care-reports",
        "api-children",
        "api-filings",
        "api-health-diagnoses",
        "api-logout",
        "api-me",
        "api-notifications",
        "api-notifications-read",
        "api-offers",
        "api-parent-child-bookings",
        "api-placements",
        "api-privacy-notice",
        "api-tasks",
        "api-temporary-care-bookings",
        "api-tokens",
        "bookings:index",
        "bookings:session_book",
        "bookings:slot_book",
        "daycare:family_reports",
        "daycare:home",
        "daycare:medication",
        "daycare:family_absences",  # a signed-in user's own children (none: the form says so)
        "enrolment:apply",
        "enrolment:child_add",
        "enrolment:family",
        "enrolment:privacy",
        "enrolment:queue",
        "enrolment:tasks",
        "filings:list",
        "notifications:inbox",
        "notifications:read_all",
        "registry:manage_list",
        "fees:allowance",  # a signed-in user's own children (none: an empty page)
    ],
    frozenset({DIR, DIR2, HW, DOC, DOC2, FAM, GUA, ADM}): [
        "api-health-children",
        "health:children",
    ],
    frozenset({REG, REG2, DIR, DIR2, HW, DOC, DOC2, ADM}): [
        "api-growth-zscores",
    ],
    frozenset({DIR, DIR2, HW, DOC, DOC2, ADM}): [
        "api-health-overdue",
        "api-health-referrals",
        "api-health-visits",
        "health:overdue",
        "health:referrals",
        "health:visits",
    ],
    frozenset({REG, DIR, CARE, HW, FAM, ADM}): [
        "api-current-menu",
        "daycare:menu",
    ],
    frozenset({REG, REG2, DIR, DIR2, HW, ADM}): [
        "api-health-outbreaks",
        "api-health-quarantines",
        "health:outbreaks",
    ],
    frozenset({DIR, CARE, HW, FAM, ADM}): [
        "api-care-child-attendance",
        "api-care-photo",
        "api-child",
        "api-entry-exams",
        "api-parent-child-booking-cancel",
        "api-pickup-persons",
        "api-placement-end",
        "api-temporary-care-booking-cancel",
        "bookings:session_cancel",
        "bookings:slot_cancel",
        "daycare:child_attendance",
        "daycare:report_photo",
        "enrolment:placement_end",
    ],
    frozenset({DIR, DIR2, CARE, HW, ADM}): [
        "bookings:manage",
    ],
    frozenset({REG, DIR, CARE, HW, ADM}): [
        "api-institution-classes",
        "registry:manage_detail",
    ],
    frozenset({REG, REG2, DIR, DIR2, ADM}): [
        "subsidies:claims",  # a director's claims, a regulator's queue (empty for another district's)
        "supervision:rectifications",
        "accounts:recovery_codes",
        "admin:app_list",
        "admin:filings_filing_changelist",
        "admin:health_classquarantine_changelist",
        "admin:health_disease_change",
        "admin:health_disease_changelist",
        "admin:health_disease_history",
        "admin:health_outbreakreport_changelist",
        "admin:index",
        "admin:jsi18n",
        "admin:login",
        "admin:password_change",
        "admin:password_change_done",
        "admin:registry_careclass_changelist",
        "admin:registry_closedday_changelist",
        "admin:registry_institution_changelist",
        "admin:supervision_finding_changelist",
        "admin:workforce_staff_changelist",
        "admin:workforce_trainingsession_changelist",
        "api-daily-supervision",
        "api-certificates-expiring",
        "api-training",
        "api-training-coverage",
        "daycare:district",
        "workforce:expiring",
        "workforce:export",
        "workforce:training",
    ],
    frozenset({DIR, CARE, HW, ADM}): [
        "api-care-absences",
        "api-care-activity-areas",
        "api-care-attendance",
        "api-care-batch",
        "api-care-check-ins",
        "api-care-check-outs",
        "api-care-child-day",
        "api-care-class-reports",
        "api-care-entry-wake",
        "api-care-noon-checks",
        "api-care-publish-all",
        "api-care-report-photos",
        "api-care-report-publish",
        "api-care-report-summary",
        "api-class-duty",
        "api-class-outings",
        "api-class-roster",
        "api-duty-end",
        "api-duty-start",
        "api-food-sample-discard",
        "api-food-samples",
        "api-outing-return",
        "api-weather-exemptions",
        "daycare:absence",
        "daycare:activity_areas",
        "daycare:carelog_batch",
        "daycare:carelog_child",
        "daycare:carelog_entry_add",
        "daycare:carelog_sleep_end",
        "daycare:check_in",
        "daycare:check_out",
        "daycare:child",
        "daycare:child_row",
        "daycare:class",
        "daycare:class_duty",
        "daycare:class_ratio",
        "daycare:daily_report_photo_add",
        "daycare:daily_report_publish",
        "daycare:daily_report_publish_all",
        "daycare:daily_report_review",
        "daycare:daily_report_summary",
        "daycare:institution_today",
        "daycare:kitchen",
        "daycare:noon_check",
        "daycare:outings",
        "daycare:report_photo_delete",
        "enrolment:class_roster",
    ],
    frozenset({DIR, DIR2, HW, ADM}): [
        "api-care-follow-ups",
        "daycare:follow_ups",
        "health:excluded",
    ],
    frozenset({DIR, HW, FAM, ADM}): [
        "api-health-child",
        "api-health-child-exams",
        "api-health-child-immunisation-checks",
        "api-health-child-measurements",
        "api-health-child-referrals",
        "api-health-child-schedule",
        "api-health-child-screenings",
        "api-health-referral",
        "health:care",
        "health:child",
        "health:child_export",
        "health:child_pdf",
        "health:growth",
        "health:measurement_add",
    ],
    frozenset({REG, DIR, DIR2, ADM}): [
        "api-training-enrolments",
        "api-training-session",
        "admin:workforce_trainingsession_change",
        "admin:workforce_trainingsession_history",
        "workforce:training_detail",
    ],
    frozenset({REG, DIR, HW, ADM}): [
        "api-health-outbreak",
        "health:outbreak",
    ],
    frozenset({DIR, DIR2, ADM}): [
        "fees:index",
        "admin:bookings_parentchildsession_changelist",
        "admin:bookings_sessionbooking_changelist",
        "admin:bookings_temporarycarebooking_changelist",
        "admin:bookings_temporarycareslot_changelist",
        "admin:enrolment_application_changelist",
        "admin:enrolment_placement_changelist",
        "admin:enrolment_queuepriority_add",
        "admin:enrolment_queuepriority_changelist",
        "admin:health_developmentscreening_changelist",
        "admin:health_diagnosis_changelist",
        "admin:health_doctorvisit_changelist",
        "admin:health_healthexam_changelist",
        "admin:health_immunisationcheck_changelist",
        "admin:health_measurement_changelist",
        "admin:health_referral_changelist",
        "admin:registry_careclass_add",
        "admin:registry_closedday_add",
        "admin:workforce_staff_add",
        "workforce:template",
    ],
    frozenset({DIR, FAM, ADM}): [
        "api-fees-statement",
        "api-fees-statement-pdf",
        "fees:statement",
        "fees:statement_pdf",
        "api-application-offer",
        "api-application-withdraw",
        "api-offer",
        "api-offer-accept",
        "api-offer-decline",
        "enrolment:application_withdraw",
        "enrolment:offer",
    ],
    frozenset({DIR, HW, ADM}): [
        "api-care-follow-up",
        "api-health-outbreak-report",
        "api-health-outbreak-resolve",
        "api-health-return-certificate",
        "api-institution-menus",
        "api-menu-publish",
        "api-task-complete",
        "daycare:follow_up",
        "enrolment:task_complete",
        "health:diagnosis_add",
        "health:exam_add",
        "health:immunisation_add",
        "health:outbreak_class",
        "health:outbreak_report",
        "health:outbreak_resolve",
        "health:quarantine_add",
        "health:referral_add",
        "health:referral_outcome",
        "health:return_certificate",
        "health:screening_add",
    ],
    frozenset({REG, DIR, ADM}): [
        "subsidies:claim",
        "subsidies:decision",
        "subsidies:decision_pdf",
        "api-institution-child-months",
        "api-subsidy-claim",
        "api-subsidy-decision",
        "api-subsidy-decision-pdf",
        "api-inspection",
        "api-inspection-item",
        "api-inspection-pdf",
        "supervision:inspection",
        "supervision:inspection_pdf",
        "supervision:inspection_photo",
        "supervision:inspection_signature",
        "supervision:case",
        "supervision:case_attachment",
        "api-case",
        "api-case-attachment",
        "admin:filings_filing_change",
        "admin:filings_filing_history",
        "admin:health_classquarantine_change",
        "admin:health_classquarantine_history",
        "admin:health_outbreakreport_change",
        "admin:health_outbreakreport_history",
        "admin:registry_careclass_change",
        "admin:registry_careclass_history",
        "admin:registry_closedday_change",
        "admin:registry_closedday_history",
        "admin:registry_institution_change",
        "admin:registry_institution_history",
        "admin:supervision_finding_change",
        "admin:supervision_finding_history",
        "admin:workforce_staff_change",
        "admin:workforce_staff_history",
        "api-filing",
        "api-filing-material",
        "api-institution-findings",
        "api-institution-staff",
        "api-certificate-scan",
        "api-institution-roster",
        "api-staff",
        "api-staff-certificates",
        "filings:attach",
        "filings:detail",
        "filings:material",
        "filings:version",
        "supervision:institution_file",
        "workforce:register",
        "workforce:roster",
        "workforce:scan",
        "workforce:staff",
    ],
    frozenset({REG, REG2, ADM}): [
        "api-fees-guided-prices",
        "fees:guided_prices",
        "supervision:inspection_new",
        "supervision:inspections",
        "supervision:desk",
        "api-desk",
        "accounts:lockouts",
        "api-supervision-complaints",
        "supervision:complaints",
        "api-inspection-plans",
        "supervision:plan_draw",
        "supervision:plans",
        "supervision:risk",
        "fees:allowance_district",
        "subsidies:policies",  # the other district's regulator sees their own district's (none)
        "subsidies:policy_new",
        "api-subsidy-policies",
        "admin:enrolment_healthrecordaccess_changelist",
        "admin:workforce_trainingsession_add",
        "api-health-access-log",
        "health:access_log",
    ],
    frozenset({DIR, ADM}): [
        "registry:class_caregivers",
        "registry:photo_add",
        "registry:photo_delete",
        "registry:photo_move_up",
        "api-fees-meal-plan",
        "api-fees-institution-statements",
        "api-fees-arrears",
        "api-fees-statement-reissue",
        "api-fees-statement-payments",
        "fees:meal_plan",
        "fees:statements",
        "fees:statements_issue",
        "fees:arrears",
        "fees:statement_reissue",
        "fees:payment_record",
        "subsidies:claim_recompute",
        "subsidies:claim_submit",
        "api-subsidy-claim-submit",
        "supervision:case_answer",
        "api-case-answer",
        "api-staff-end",
        "api-staff-identity-number",
        "admin:bookings_parentchildsession_change",
        "admin:bookings_parentchildsession_history",
        "admin:bookings_sessionbooking_change",
        "admin:bookings_sessionbooking_history",
        "admin:bookings_temporarycarebooking_change",
        "admin:bookings_temporarycarebooking_history",
        "admin:bookings_temporarycareslot_change",
        "admin:bookings_temporarycareslot_history",
        "admin:enrolment_application_change",
        "admin:enrolment_application_history",
        "admin:enrolment_placement_change",
        "admin:enrolment_placement_history",
        "admin:enrolment_queuepriority_change",
        "admin:enrolment_queuepriority_history",
        "admin:health_developmentscreening_change",
        "admin:health_developmentscreening_history",
        "admin:health_diagnosis_change",
        "admin:health_diagnosis_history",
        "admin:health_doctorvisit_change",
        "admin:health_doctorvisit_history",
        "admin:health_healthexam_change",
        "admin:health_healthexam_history",
        "admin:health_immunisationcheck_change",
        "admin:health_immunisationcheck_history",
        "admin:health_measurement_change",
        "admin:health_measurement_history",
        "admin:health_referral_change",
        "admin:health_referral_history",
        "api-filing-materials",
        "api-filing-submit",
        "enrolment:offer_new",
        "enrolment:priority_add",
        "filings:edit",
        "filings:start",
        "filings:submit",
        "workforce:add",
        "workforce:end",
        "workforce:import",
        "workforce:reveal_id",
    ],
    frozenset({DIR, DIR2}): [
        "accounts:two_factor_off",
    ],
    frozenset({DIR}): [
        "subsidies:claim_prepare",  # the director's own institution (the administrator claims for nobody)
    ],
    frozenset({REG}): [
        "api-training-attendance",  # the session's region's regulator, as on the page (no superuser role)
    ],
    frozenset({REG, ADM}): [
        "api-region-allowance",
        "subsidies:policy_edit",
        "subsidies:policy_end",
        "api-subsidy-policy",
        "api-subsidy-policy-end",
        "subsidies:claim_line_exclude",
        "subsidies:claim_return",
        "subsidies:claim_decide",
        "subsidies:claim_reassess",
        "api-subsidy-claim-line-exclude",
        "api-subsidy-claim-return",
        "api-subsidy-claim-decide",
        "api-subsidy-claim-reassess",
        "api-inspection-complete",
        "api-inspection-item-photos",
        "api-inspection-signatures",
        "supervision:inspection_complete",
        "supervision:inspection_fill",
        "supervision:finding_rectify",
        "supervision:rectification_new",
        "supervision:case_verify",
        "supervision:case_return",
        "api-finding-rectification",
        "api-institution-rectifications",
        "api-case-verify",
        "api-case-return",
        "accounts:lockout_lift",
        "api-supervision-complaint",
        "api-supervision-complaint-conclude",
        "api-supervision-complaint-start",
        "supervision:complaint",
        "supervision:complaint_conclude",
        "supervision:complaint_start",
        "admin:enrolment_healthrecordaccess_change",
        "admin:enrolment_healthrecordaccess_history",
        "api-filing-approve",
        "api-filing-return",
        "api-inspection-plan",
        "api-inspection-plan-approve",
        "api-region-risk",
        "filings:approve",
        "filings:return",
        "supervision:plan",
        "supervision:plan_approve",
        "supervision:plan_inputs",
    ],
    frozenset({ADM}): [
        "admin:supervision_checklist_add",
        "admin:supervision_checklist_change",
        "admin:supervision_checklist_changelist",
        "admin:supervision_checklist_delete",
        "admin:supervision_checklist_history",
        "admin:accounts_user_add",
        "admin:accounts_user_change",
        "admin:accounts_user_changelist",
        "admin:accounts_user_delete",
        "admin:accounts_user_history",
        "admin:auditlog_logentry_change",
        "admin:auditlog_logentry_changelist",
        "admin:auditlog_logentry_history",
        "admin:auth_user_password_change",
        "admin:bookings_parentchildsession_delete",
        "admin:policies_policyvalue_change",  # read-only: values change by migration
        "admin:policies_policyvalue_changelist",
        "admin:policies_policyvalue_history",
        "admin:bookings_sessionbooking_delete",
        "admin:bookings_temporarycarebooking_delete",
        "admin:bookings_temporarycareslot_delete",
        "admin:enrolment_application_delete",
        "admin:enrolment_placement_delete",
        "admin:enrolment_privacynotice_add",
        "admin:enrolment_privacynotice_change",
        "admin:enrolment_privacynotice_changelist",
        "admin:enrolment_privacynotice_delete",
        "admin:enrolment_privacynotice_history",
        "admin:enrolment_queuepriority_delete",
        "admin:filings_filing_delete",
        "admin:health_classquarantine_delete",
        "admin:health_developmentscreening_delete",
        "admin:health_diagnosis_delete",
        "admin:health_doctorvisit_delete",
        "admin:health_healthexam_delete",
        "admin:health_immunisationcheck_delete",
        "admin:health_measurement_delete",
        "admin:health_outbreakreport_delete",
        "admin:health_referral_delete",
        "admin:operations_heartbeat_change",  # read-only
        "admin:operations_heartbeat_changelist",
        "admin:operations_heartbeat_delete",
        "admin:operations_heartbeat_history",
        "admin:operations_taskfailure_change",  # read-only
        "admin:operations_taskfailure_changelist",
        "admin:operations_taskfailure_delete",
        "admin:operations_taskfailure_history",
        "admin:regions_region_add",
        "admin:regions_region_change",
        "admin:regions_region_changelist",
        "admin:regions_region_delete",
        "admin:regions_region_history",
        "admin:registry_careclass_delete",
        "admin:registry_closedday_delete",
        "admin:registry_hospital_add",
        "admin:registry_hospital_change",
        "admin:registry_hospital_changelist",
        "admin:registry_hospital_delete",
        "admin:registry_hospital_history",
        "admin:registry_institution_add",
        "admin:registry_institution_delete",
        "admin:supervision_finding_delete",
        "admin:workforce_staff_delete",
        "admin:workforce_trainingsession_delete",
    ],
    frozenset({FAM}): [
        "api-care-family-absences",
        "api-care-family-absence",
        "daycare:family_absence_withdraw",
        "api-child-allowance",
        "accounts:token_revoke",
        "api-care-incident-acknowledge",
        "api-care-report",
        "api-care-report-reply",
        "api-child-deletion",
        "api-child-export",
        "api-token-revoke",
        "daycare:family_report",
        "daycare:family_report_reply",
        "daycare:incident_acknowledge",
        "enrolment:child",
        "enrolment:child_delete",
        "enrolment:child_export",
        "enrolment:child_photo_remove",
        "enrolment:child_photo_set",
        "enrolment:pickup_remove",
    ],
    NOBODY: [
        "admin:None",
        "admin:policies_policyvalue_add",
        "admin:operations_heartbeat_add",  # written by the queue's consumer only
        "admin:operations_taskfailure_add",
        "admin:policies_policyvalue_delete",
        "admin:auditlog_logentry_add",
        "admin:auditlog_logentry_delete",
        "admin:autocomplete",
        "admin:bookings_parentchildsession_add",
        "admin:bookings_sessionbooking_add",
        "admin:bookings_temporarycarebooking_add",
        "admin:bookings_temporarycareslot_add",
        "admin:enrolment_application_add",
        "admin:enrolment_healthrecordaccess_add",
        "admin:enrolment_healthrecordaccess_delete",
        "admin:enrolment_placement_add",
        "admin:filings_filing_add",
        "admin:health_classquarantine_add",
        "admin:health_developmentscreening_add",
        "admin:health_diagnosis_add",
        "admin:health_disease_add",
        "admin:health_disease_delete",
        "admin:health_doctorvisit_add",
        "admin:health_healthexam_add",
        "admin:health_immunisationcheck_add",
        "admin:health_measurement_add",
        "admin:health_outbreakreport_add",
        "admin:health_referral_add",
        "admin:supervision_finding_add",
        "admin:view_on_site",
    ],
}
# Family messages: the target child's conversation is his family's, his class's caregiver's and the
# director's; so is the class notice, whose readers only the director sees. The child's photo goes to the
# same people: the guardian's consent names the class's caregivers and the director, not the health worker.
MESSAGING_GROUPS: dict[frozenset[str], list[str]] = {
    frozenset({DIR, CARE, FAM, ADM}): [
        "enrolment:child_photo",
        "messaging:conversation",
        "messaging:photo",
        "messaging:notice",
        "api-conversation",
        "api-conversation-send",
        "api-conversation-read",
        "api-conversation-photo",
        "api-notice",
        "api-notice-read",
    ],
    frozenset({DIR, ADM}): ["api-notice-readers"],
}
for _personas, _names in MESSAGING_GROUPS.items():
    ALLOWED_GROUPS.setdefault(_personas, []).extend(_names)
# The subsidy ledger (三到位): the district's regulator keeps it (another district's regulator keeps their
# own, so the pages answer them with their district); directors read their own decisions' payment state.
SUBSIDY_LEDGER_GROUPS: dict[frozenset[str], list[str]] = {
    frozenset({REG, REG2, ADM}): [
        "subsidies:ledger",
        "subsidies:budget",
        "subsidies:payment",
        "subsidies:refund",
        "subsidies:dashboard",
        "subsidies:claims_xlsx",
        "subsidies:decisions_xlsx",
        "subsidies:yearly_pdf",
    ],
    frozenset({REG, REG2, DIR, DIR2, ADM}): ["subsidies:payments"],
    frozenset({REG, ADM}): [
        "api-region-subsidy-ledger",
        "api-region-subsidy-budget",
        "api-region-subsidy-dashboard",
        "api-subsidy-decision-payments",
        "api-subsidy-decision-refunds",
    ],
}
for _personas, _names in SUBSIDY_LEDGER_GROUPS.items():
    ALLOWED_GROUPS.setdefault(_personas, []).extend(_names)
# The enterprise service desk. Its officers (SO leads the world's team; SO2 serves another district and sees
# its own, empty, lists), the contacts of the department the world's request was sent to (DC) and of another
# (DC2), the enterprise's own contact (EC). Lists answer every officer; one enterprise, team, visit or request
# only its desk (and the request also the department it was sent to and the enterprise's contact, who is sent
# on to the progress page); each action the side that takes it: the extension's decision and the team's
# membership the team leader, the reply the department's contact. The progress link and its rating answer
# whoever holds the token. "My requests" answers anyone signed in (empty but for an enterprise's contact).
OFFICERS = frozenset({SO, SO2, ADM})
ENTERPRISE_DESK_GROUPS: dict[frozenset[str], list[str]] = {
    OFFICERS: [
        "enterprises:desk",
        "enterprises:requests",
        "enterprises:enterprises",
        "enterprises:enterprise_new",
        "enterprises:enterprise_import",
        "enterprises:enterprise_template",
        "enterprises:teams",
        "enterprises:departments",
        "enterprises:visits",
        "enterprises:visit_new",
        "enterprises:figures",
        "enterprises:figures_report",
        "api-enterprises",
        "api-enterprise-visits",
        "api-service-teams",
        "api-enterprise-departments",
    ],
    frozenset({SO, ADM}): [
        "enterprises:enterprise",
        "enterprises:enterprise_edit",
        "enterprises:team",
        "enterprises:team_member_add",
        "enterprises:team_member_remove",
        "enterprises:department_contact_add",
        "enterprises:department_contact_remove",
        "enterprises:visit",
        "enterprises:request_accept",
        "enterprises:request_dispatch",
        "enterprises:request_close",
        "enterprises:request_follow_up",
        "enterprises:request_note",
        "api-enterprise",
        "api-enterprise-visit",
        "api-region-service-figures",
        "api-service-request-accept",
        "api-service-request-dispatch",
        "api-service-request-close",
        "api-service-request-follow-up",
        "api-service-request-note",
    ],
    # The back office is the administrator's: the officers have no back-office role.
    frozenset({ADM}): [
        f"admin:enterprises_{model}_{action}"
        for model in ("enterprise", "serviceteam", "department")
        for action in ("changelist", "add", "change", "delete", "history")
    ],
    frozenset({SO, DC, EC, ADM}): ["enterprises:request", "api-service-request"],
    frozenset({SO, DC, ADM}): ["enterprises:request_extension", "api-service-request-extension"],
    frozenset({SO}): ["enterprises:request_extension_decide", "api-service-request-extension-decision"],
    frozenset({DC}): ["enterprises:dispatch_reply", "api-enterprise-dispatch-reply"],
    frozenset({DC, DC2, ADM}): ["enterprises:dispatches", "api-enterprise-dispatches"],
    frozenset({REG, REG2, DIR, DIR2, CARE, HW, DOC, DOC2, FAM, GUA, ADM}): [
        "enterprises:mine",
        "api-service-requests",
    ],
    frozenset({ANON, REG, REG2, DIR, DIR2, CARE, HW, DOC, DOC2, FAM, GUA, ADM}): [
        "enterprises:progress",
        "api-service-request-progress",
        "api-service-request-rating",
    ],
}
for _personas, _names in ENTERPRISE_DESK_GROUPS.items():
    ALLOWED_GROUPS.setdefault(_personas, []).extend(_names)
ALLOWED = {name: personas for personas, names in ALLOWED_GROUPS.items() for name in names}
# The desk's personas reach what every other signed-in persona reaches (their own account, inbox, lists).
_SIGNED_IN = frozenset({REG, REG2, DIR, DIR2, CARE, HW, DOC, DOC2, FAM, GUA, ADM})
ALLOWED = {
    name: personas | {SO, SO2, DC, DC2, EC} if personas >= _SIGNED_IN else personas
    for name, personas in ALLOWED.items()
}

# Routes that show children's health data (records, checks, allergies, medication, incidents, follow-ups,
# referrals, overdue examinations, visits, outbreak cases): naming the target child, they log the read.
HEALTH_ROUTES = {
    name
    for name in ALLOWED
    if name.startswith(("health:", "api-health-", "admin:health_"))
    and name
    not in {
        "health:access_log",
        "api-health-access-log",
        "health:outbreaks",
        "api-health-outbreaks",
        "health:outbreak_class",  # the class's roster: names, and the exclusions (logged) of those excluded
    }
} | {
    "daycare:class",
    "daycare:child",
    "daycare:child_row",
    "daycare:child_attendance",
    "daycare:carelog_batch",
    "daycare:carelog_child",
    "daycare:daily_report_review",
    "daycare:family_report",
    "daycare:follow_ups",
    "daycare:medication",
    "api-care-attendance",
    "api-care-child-attendance",
    "api-care-family-absences",
    "api-care-child-day",
    "api-care-class-reports",
    "api-care-follow-up",
    "api-care-follow-ups",
    "api-care-instructions",
    "api-care-report",
    "enrolment:child",
    "enrolment:child_export",
    "enrolment:class_roster",
    "api-child",
    "api-children",
    "api-child-export",
}
# Where a regulator may read the child's name: outbreak reports (the CDC report needs them, every read is
# logged) and the access log they audit.
NAMES_FOR_REGULATORS = {
    # A subsidy claim and its decision: each line names the child whose attendance it pays, reviewed line
    # by line by the district's regulator (the letter prints the names too).
    "subsidies:claim",
    "subsidies:decision",
    "api-subsidy-claim",
    "api-subsidy-decision",
    "api-subsidy-claim-return",
    "api-subsidy-claim-line-exclude",
    "health:outbreak",
    "api-health-outbreak",
    "admin:health_outbreakreport_change",
    "health:access_log",
    "api-health-access-log",
    "admin:enrolment_healthrecordaccess_changelist",
    "admin:enrolment_healthrecordaccess_change",
    "admin:enrolment_healthrecordaccess_history",
}
HEALTH_READERS = {DIR, CARE, HW, FAM, ADM}  # the child's institution, his guardian, the administrator
ROUTES = walk_routes()


@pytest.fixture(scope="module")
def world(seeded_demo: str, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        world = build_world()
        connection.check_constraints()  # once, rather than at the end of every test (see seeded_demo)
        yield world


def _client(route: Route, user: Any) -> Any:
    if route.name.startswith("api"):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_authenticate(user)
        return client
    return signed_in_client(user) if user is not None else Client(HTTP_ACCEPT_LANGUAGE="en")


def _ask(route: Route, client: Any, url: str, data: dict[str, Any]) -> Any:
    """The route's answer to the first method it takes: GET, else POST, PUT or DELETE."""
    api = route.name.startswith("api")
    for method in ("get", "post", "put", "delete"):
        call = getattr(client, method)
        if method in ("get", "delete"):
            response = call(url)
        else:
            response = call(url, data, format="json") if api else call(url, data)
        if response.status_code != 405:
            return response
    return response


def _outsider_answer(route: Route, persona: str, response: Any) -> str | None:
    """What is wrong with an outsider's answer, if anything."""
    status = response.status_code
    if persona != ANON:
        return None if status == 404 else f"{status}, not 404"
    if route.name.startswith("api"):
        return None if status in (401, 403) else f"anonymous got {status}, not 401"
    location = response.get("Location", "")
    signs_in = status == 302 and ("/accounts/login/" in location or "/admin/login/" in location)
    return None if signs_in else f"anonymous got {status} ({location}), not a redirect to sign in"


def _privacy(route: Route, persona: str, world: World, response: Any, logged: set[int]) -> list[str]:
    body = b"" if getattr(response, "streaming", False) else response.content
    text = body.decode(errors="replace")
    child = world.child
    shown = [kind for kind, marker in MARKERS.items() if marker in text]
    problems = []
    if shown and persona not in HEALTH_READERS:
        problems.append(f"{persona} sees {child.name}'s health data: {shown}")
    reads = shown or (route.name in HEALTH_ROUTES and child.name in text)
    if reads and child.pk not in logged:
        problems.append(f"{persona} read {child.name}'s health data unlogged ({shown or 'named'})")
    if persona in (REG, REG2) and child.name in text and route.name not in NAMES_FOR_REGULATORS:
        problems.append(f"{persona} reads {child.name}'s name")
    # Who complained: read by the regulator handling the complaint only (the world's ``regulator``).
    if persona != REG and any(value in text for value in COMPLAINANT.values()):
        problems.append(f"{persona} reads who made a complaint")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_every_persona_gets_what_the_matrix_says(route: Route, world: World) -> None:
    assert route.name in ALLOWED, f"{route.name} ({route.pattern}) has no entry in the permission matrix"
    url = url_of(route, world)
    data = DATA[route.name](world) if route.name in DATA else {}
    problems = []
    for persona in PERSONAS:
        user = world.users[persona]
        cache.clear()  # throttles and lockouts start afresh for each persona
        with transaction.atomic():
            before = set(HealthRecordAccess.objects.values_list("pk", flat=True))
            response = _ask(route, _client(route, user), url, data)
            new = HealthRecordAccess.objects.exclude(pk__in=before)
            logged = set(new.filter(user=user).values_list("child_id", flat=True)) if user else set()
            transaction.set_rollback(True)
        if response.status_code >= 500:
            problems.append(f"{persona}: server error {response.status_code}")
        elif persona in ALLOWED[route.name]:
            if response.status_code == 404:
                problems.append(f"{persona}: 404, but the matrix allows them")
        elif wrong := _outsider_answer(route, persona, response):
            problems.append(f"{persona}: {wrong}")
        problems += [f"{persona}: {problem}" for problem in _privacy(route, persona, world, response, logged)]
    assert not problems, f"{route.name} {url}\n" + "\n".join(problems)


def test_the_matrix_has_no_route_that_no_longer_exists() -> None:
    assert set(ALLOWED) - {route.name for route in ROUTES} == set()
