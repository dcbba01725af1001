"""Back up the database and the uploaded files together, into one archive (docs/operations.md, "Backups")."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuoyu.operations.backups import BackupRefused, backup_create


class Command(BaseCommand):
    help = (
        "Write the database and the uploaded files, with a manifest of their checksums, to "
        "tuoyu-backup-<date>-<time>.tar in the given folder. Safe while Tuoyu runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the folder the archive is written to")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            archive = backup_create(directory=directory)
        except BackupRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Backup written to {archive} ({archive.stat().st_size:,} bytes).")
