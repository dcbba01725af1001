"""Replace the database and the uploaded files with a backup's (docs/operations.md, "Backups")."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tuoyu.operations.backups import BackupRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of a backup made by `backup`, after checking "
        "every file against its manifest. Stop the web server and the queue's consumer first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the tuoyu-backup-….tar file")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: everything stored now is replaced by the backup"
        )

    def handle(self, *args: Any, archive: Path, yes: bool, **options: Any) -> None:
        database = connection.settings_dict["NAME"]
        if not yes:
            answer = input(
                f"Everything in {database} and the uploaded files will be replaced by {archive.name}. "
                "Type 'restore' to go on: "
            )
            if answer.strip() != "restore":
                raise CommandError("Nothing was restored.")
        try:
            manifest = backup_restore(archive=archive)
        except BackupRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database and "
            f"{len(manifest['media']):,} uploaded file(s). Run `migrate` if the backup is of an older "
            "version."
        )
