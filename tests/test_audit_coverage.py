"""Every model holding a child's, a guardian's or a staff member's data is in the audit log (django-auditlog),
with identity and mobile numbers masked and no password; a change is written with who made it."""

from collections.abc import Callable

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from tuoyu.accounts.identity import validate_identity_number
from tuoyu.accounts.middleware import AuditActorMiddleware
from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.daycare.models import Attendance
from tuoyu.daycare.services.attendance import attendance_check_in
from tuoyu.enrolment.models import Child, PickupPerson
from tuoyu.registry.models import CareClass
from tuoyu.workforce.models import Staff

# The people: a child, a user (a guardian, or a member of staff's account), a staff member.
PEOPLE: tuple[type[Model], ...] = (Child, User, Staff)

# Models that point at a person but are not audited, each for its reason. Add one here only with a comment.
NOT_AUDITED: dict[str, str] = {
    # Append-only logs of their own: every row is already a record of who did what, and a trigger refuses
    # changes (tuoyu.append_only).
    "enrolment.HealthRecordAccess": "the access log: one row per read of a child's health data",
    # Messages and reminders sent, written once and never edited: the inbox is the record.
    "notifications.Notification": "a message in a user's inbox",
    "health.ExamReminder": "the record that a guardian was reminded of an overdue examination",
    "daycare.MissedArrivalAlert": "the record that a child's families were told the child had not arrived",
    "fees.AllowanceReminder": "the record that a child's families were reminded of the childcare allowance",
    # A read marker, rewritten at every visit: when a participant last read a conversation (the messages
    # themselves are audited).
    "messaging.ConversationRead": "when a participant last read a conversation",
    # A user is only their author: they hold no one's personal data.
    "health.ClassQuarantine": "a class closed to admissions; the user is who decided it",
    "filings.FilingVersion": "the frozen text of a submitted filing (the filing itself is audited)",
    "filings.ReturnReason": "why a filing was returned, bulk-written (the filing itself is audited)",
    "cases.CaseEvent": "a step of a case, written once with who and when (the case itself is audited)",
    "cases.CaseAttachment": "a file of a case's step, written once with the step",
    # Subsidies: the claim is audited; what is computed from the data or decided is written once.
    "subsidies.ClaimLine": "a line of a claim, recomputed from the attendance records (the claim is audited)",
    "subsidies.Decision": "a decision, written once and never changed (a correction is a new decision)",
    "subsidies.DecisionLine": "a line of a decision, written once with it",
    "subsidies.LedgerEntry": "append-only in the database: each entry names who recorded it and when",
}


def tuoyu_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("tuoyu.") and not model._meta.abstract and not model._meta.proxy
    ]


def points_at_a_person(model: type[Model], seen: frozenset[type[Model]] = frozenset()) -> bool:
    """Is ``model`` a person, or does it point at one by a foreign key or one-to-one, directly or through
    another of its records (a health check through its attendance, a photo through its daily report)?"""
    if model in PEOPLE:
        return True
    return any(
        (field.many_to_one or field.one_to_one)
        and field.concrete
        and field.related_model not in seen
        and points_at_a_person(field.related_model, seen | {model})
        for field in model._meta.get_fields()
    )


def label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def test_every_model_holding_a_persons_data_is_audited() -> None:
    missing = [
        label(model)
        for model in tuoyu_models()
        if points_at_a_person(model) and label(model) not in NOT_AUDITED and not auditlog.contains(model)
    ]

    assert missing == [], (
        f"not in the audit log (register it in its app's ready(), or say why not): {missing}"
    )


def test_the_exceptions_are_real_models_that_are_not_audited() -> None:
    models = {label(model): model for model in tuoyu_models()}

    assert set(NOT_AUDITED) <= set(models), set(NOT_AUDITED) - set(models)
    assert [name for name in NOT_AUDITED if auditlog.contains(models[name])] == []


def test_the_walk_finds_a_person_behind_a_parent_record() -> None:
    # A photo of a daily report points at no person itself, but its report points at a child.
    assert points_at_a_person(apps.get_model("daycare", "ReportPhoto"))
    assert not points_at_a_person(apps.get_model("health", "Disease"))


def test_identity_and_mobile_numbers_are_masked_and_passwords_left_out() -> None:
    for model in auditlog.get_models():
        sensitive = {
            field.name
            for field in model._meta.concrete_fields
            if field.name == "phone" or validate_identity_number in getattr(field, "validators", [])
        }
        fields = auditlog.get_model_fields(model)
        assert sensitive <= set(fields["mask_fields"]), label(model)
        has_password = any(field.name == "password" for field in model._meta.concrete_fields)
        assert not has_password or "password" in fields["exclude_fields"], label(model)


# What the audit log writes ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_change_to_a_childs_name_is_written_with_who_made_it(class_x: CareClass, director_x: User) -> None:
    child = placed_child(class_x, name="林小雨")

    with set_actor(director_x):
        child.name = "林晓雨"
        child.save()

    entry = LogEntry.objects.get_for_object(child).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == director_x
    assert entry.changes_dict == {"name": ["林小雨", "林晓雨"]}


@pytest.mark.django_db
def test_a_check_in_is_written_with_who_checked_the_child_in(class_x: CareClass, caregiver_x: User) -> None:
    child = placed_child(class_x, name="林小雨")

    with set_actor(caregiver_x):
        attendance = attendance_check_in(
            care_class=class_x, child=child, by=caregiver_x, temperature_c="36.6", decision="admit"
        )

    entry = LogEntry.objects.get_for_object(attendance).get(action=LogEntry.Action.CREATE)
    assert entry.actor == caregiver_x
    assert entry.changes_dict["child"] == ["None", str(child.pk)]


@pytest.mark.django_db
def test_identity_and_mobile_numbers_are_not_in_the_log_in_clear(class_x: CareClass, guardian: User) -> None:
    child = placed_child(class_x, name="林小雨")
    with set_actor(guardian):
        child.identity_number = "37080220240315002X"
        child.save()
        person = PickupPerson.objects.create(
            child=child,
            name="赵奶奶",
            relation="grandparent",
            phone="13905371234",
            identity_number="370802195803150023",
        )

    logged = str(list(LogEntry.objects.values_list("changes", "changes_text", "object_repr")))
    for number in ("37080220240315002X", "13905371234", "370802195803150023"):
        assert number not in logged
    # Nor the date of birth inside the number, which would give the rest of it back.
    assert "20240315" not in logged and "19580315" not in logged
    entry = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert entry.changes_dict["identity_number"][1] == "*" * 14 + "0023"
    assert entry.changes_dict["phone"][1] == "*" * 7 + "1234"


@pytest.mark.django_db
def test_a_new_password_writes_nothing_and_a_new_name_no_password(guardian: User) -> None:
    guardian.set_password("another-long-passphrase-1")
    guardian.save()
    guardian.display_name = "王芳"
    guardian.save()

    updates = LogEntry.objects.get_for_object(guardian).filter(action=LogEntry.Action.UPDATE)
    assert [list(entry.changes_dict) for entry in updates] == [["display_name"]]
    assert all("password" not in entry.changes_dict for entry in LogEntry.objects.get_for_object(guardian))


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in_by", ["session", "token"])
def test_a_check_in_by_request_is_written_with_who_sent_it(
    client_as: Callable[[str], Client],
    token_api_as: Callable[[str], APIClient],
    class_x: CareClass,
    caregiver_x: User,
    signed_in_by: str,
) -> None:
    # The actor is the request's user (AuditActorMiddleware), also when the app signs in with a token, which
    # only the API view checks.
    child = placed_child(class_x, name="林小雨")
    body = {"child": str(child.code), "temperature_c": "36.5", "decision": "admit"}
    url = f"/api/v1/care/classes/{class_x.code}/check-ins/"
    if signed_in_by == "session":
        response = client_as("caregiver_x").post(url, body, content_type="application/json")
    else:
        response = token_api_as("caregiver_x").post(url, body, format="json")

    assert response.status_code == 201, response.content
    attendance = Attendance.objects.get(child=child)
    entry = LogEntry.objects.get_for_object(attendance).get(action=LogEntry.Action.CREATE)
    assert entry.actor == caregiver_x


@pytest.mark.django_db
def test_a_change_by_nobody_signed_in_has_no_actor(rf: RequestFactory, class_x: CareClass) -> None:
    child = placed_child(class_x, name="林小雨")
    request = rf.post("/")
    request.user = AnonymousUser()

    def view(request: HttpRequest) -> HttpResponse:
        child.name = "林晓雨"
        child.save()
        return HttpResponse()

    AuditActorMiddleware(view)(request)

    entry = LogEntry.objects.get_for_object(child).get(action=LogEntry.Action.UPDATE)
    assert entry.actor is None
