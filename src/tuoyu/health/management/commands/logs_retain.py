"""The retention procedure of the append-only logs (docs/security.md, "Logs and their retention").

Rows of the health-record access log and the audit log older than ``--before`` are written to an archive
file (JSON lines, with its SHA-256), then removed in one transaction that lifts the tables' triggers and
restores them, and the run itself is recorded (``LogRetention``, append-only too). Rows younger than six
months never leave: 《网络安全法》第二十一条 asks network logs to be kept at least that long.
"""

import datetime
import hashlib
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from tuoyu.append_only import triggers_create, triggers_drop
from tuoyu.enrolment.models import HealthRecordAccess
from tuoyu.health.models import LogRetention

# Only the logs' triggers are lifted, for the retention's own transaction; the subsidy ledger keeps its own.
LOG_TABLES = ("health_healthrecordaccess", "auditlog_logentry", "health_logretention")

MINIMUM_DAYS = 183  # six months


class Command(BaseCommand):
    help = "Archive and remove access-log and audit-log rows older than a date; the run is recorded."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--before", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--archive", required=True, type=Path, help="New file for the removed rows")
        parser.add_argument("--by", required=True, help="Who decided, e.g. 王科长（信息科）")
        parser.add_argument(
            "--reason", required=True, help="Why, e.g. the retention period of the records policy"
        )

    def handle(
        self, *args: Any, before: datetime.date, archive: Path, by: str, reason: str, **options: Any
    ) -> None:
        today = timezone.localdate()
        if (today - before).days < MINIMUM_DAYS:
            raise CommandError(
                f"--before {before} keeps less than six months of logs; the earliest allowed is "
                f"{today - datetime.timedelta(days=MINIMUM_DAYS)} (网络安全法第二十一条)."
            )
        if archive.exists():
            raise CommandError(f"{archive} exists already; name a new archive file.")
        cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
        access = HealthRecordAccess.objects.filter(at__lt=cutoff).order_by("pk")
        audit = LogEntry.objects.filter(timestamp__lt=cutoff).order_by("pk")
        with transaction.atomic():
            digest = self._write_archive(archive, [*access, *audit])
            triggers_drop(connection, LOG_TABLES)
            access_rows, _kinds = access.delete()
            audit_rows, _kinds = audit.delete()
            triggers_create(connection, LOG_TABLES)
            record = LogRetention.objects.create(
                ran_by=by,
                reason=reason,
                before=before,
                access_rows=access_rows,
                audit_rows=audit_rows,
                archive=str(archive.resolve()),
                archive_sha256=digest,
            )
        self.stdout.write(
            f"Archived and removed {access_rows} access-log and {audit_rows} audit-log rows before {before} "
            f"to {archive} (SHA-256 {digest}); recorded as retention #{record.pk}."
        )

    @staticmethod
    def _write_archive(archive: Path, rows: list[Any]) -> str:
        archive.parent.mkdir(parents=True, exist_ok=True)
        content = serializers.serialize("jsonl", rows).encode()
        archive.write_bytes(content)
        archive.chmod(0o600)
        return hashlib.sha256(content).hexdigest()
