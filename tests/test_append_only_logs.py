"""The health-record access log and the audit log are append-only in the database itself: triggers refuse
UPDATE and DELETE from any client (and TRUNCATE on PostgreSQL); only the retention procedure removes rows,
archiving them and recording itself."""

import datetime
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.factories import ChildFactory
from tuoyu.enrolment.models import AccessChannel, HealthRecordAccess
from tuoyu.health.models import LogRetention
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db


def refused(action: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


@pytest.fixture
def read(class_x: CareClass, health_worker_x: User) -> HealthRecordAccess:
    child = placed_child(class_x, name="林小雨")
    return HealthRecordAccess.objects.create(
        user=health_worker_x, child=child, child_name=child.name, view="overview", channel=AccessChannel.PAGE
    )


@pytest.fixture
def audit_entry(class_x: CareClass) -> LogEntry:
    class_x.capacity = 18
    class_x.save()
    return LogEntry.objects.get_for_object(class_x).latest("pk")


def test_the_access_log_refuses_changes_and_deletions(read: HealthRecordAccess) -> None:
    rows = HealthRecordAccess.objects.filter(pk=read.pk)

    assert refused(lambda: rows.update(view="growth"))
    assert refused(lambda: rows.update(child_name="别人"))
    assert refused(lambda: rows.delete())
    assert refused(lambda: read.delete())
    assert HealthRecordAccess.objects.get(pk=read.pk).view == "overview"


def test_raw_sql_is_refused_too(read: HealthRecordAccess) -> None:
    def delete_all() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM health_healthrecordaccess")

    def rewrite() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE health_healthrecordaccess SET user_id = user_id")

    assert refused(delete_all)
    assert refused(rewrite)
    assert HealthRecordAccess.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(read: HealthRecordAccess, audit_entry: LogEntry) -> None:
    def truncate(table: str) -> Callable[[], None]:
        def run() -> None:
            with connection.cursor() as cursor:
                # The fixtures' rows were written in this test's transaction: check their deferred foreign
                # keys now, or PostgreSQL refuses TRUNCATE for "pending trigger events" before our trigger.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {table} CASCADE")

        return run

    assert refused(truncate("health_healthrecordaccess"))
    assert refused(truncate("auditlog_logentry"))


def test_the_audit_log_refuses_changes_deletions_and_its_flush_command(audit_entry: LogEntry) -> None:
    rows = LogEntry.objects.filter(pk=audit_entry.pk)

    assert refused(lambda: rows.update(changes_text="nothing happened"))
    assert refused(lambda: rows.delete())
    assert refused(lambda: call_command("auditlogflush", "--yes"))
    assert LogEntry.objects.filter(pk=audit_entry.pk).exists()


def test_deleting_the_child_keeps_the_read_with_the_name_it_recorded(health_worker_x: User) -> None:
    child = ChildFactory.create(name="陈小雪")  # never placed: a guardian's deletion request removes them
    read = HealthRecordAccess.objects.create(
        user=health_worker_x, child=child, child_name=child.name, view="overview", channel=AccessChannel.PAGE
    )

    child.delete()

    kept = HealthRecordAccess.objects.get(pk=read.pk)
    assert (kept.child_id, kept.child_name, kept.view) == (None, "陈小雪", "overview")


def test_only_clearing_the_link_is_allowed_not_pointing_it_elsewhere(
    read: HealthRecordAccess, class_x: CareClass
) -> None:
    other = placed_child(class_x, name="别的孩子")

    assert refused(lambda: HealthRecordAccess.objects.filter(pk=read.pk).update(child=other))


def test_deleting_a_user_keeps_their_audit_entries(class_x: CareClass, director_x: User) -> None:
    from auditlog.context import set_actor

    with set_actor(director_x):
        class_x.capacity = 17
        class_x.save()
    entry = LogEntry.objects.get_for_object(class_x).latest("pk")
    director_x.role_assignments.all().delete()

    director_x.delete()

    entry.refresh_from_db()
    assert entry.actor_id is None and entry.changes


# Retention -------------------------------------------------------------------------------------------------


def test_retention_archives_old_rows_removes_them_and_records_itself(
    read: HealthRecordAccess, audit_entry: LogEntry, tmp_path: Path
) -> None:
    archive = tmp_path / "logs-2026.jsonl"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400)):
        recent = HealthRecordAccess.objects.create(
            user=read.user, child=read.child, child_name="林小雨", view="growth", channel=AccessChannel.API
        )
        before = timezone.localdate() - datetime.timedelta(days=200)
        call_command(
            "logs_retain", f"--before={before}", f"--archive={archive}", "--by=王科长", "--reason=测试"
        )

    assert list(HealthRecordAccess.objects.all()) == [recent]
    assert not LogEntry.objects.filter(pk=audit_entry.pk).exists()
    lines = [json.loads(line) for line in archive.read_text().splitlines()]
    assert {line["model"] for line in lines} == {"enrolment.healthrecordaccess", "auditlog.logentry"}
    retention = LogRetention.objects.get()
    assert (retention.ran_by, retention.access_rows, retention.audit_rows >= 1) == ("王科长", 1, True)
    assert retention.archive_sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert refused(lambda: recent.delete())  # the triggers are back
    assert refused(lambda: retention.delete())


def test_retention_keeps_at_least_six_months(read: HealthRecordAccess, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="less than six months"):
        call_command(
            "logs_retain",
            f"--before={timezone.localdate() - datetime.timedelta(days=30)}",
            f"--archive={tmp_path / 'a.jsonl'}",
            "--by=王科长",
            "--reason=测试",
        )

    assert HealthRecordAccess.objects.count() == 1
    assert not LogRetention.objects.exists()
