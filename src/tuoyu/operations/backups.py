"""A backup is the database and the uploaded files together, in one archive: the database names the files,
the files hold the scans, so one is never restored without the other.

The archive (``.tar``) holds ``manifest.json`` (when, which database, every file with its SHA-256), the
database (``database.sqlite3``, SQLite's online backup, consistent while Tuoyu runs; or ``database.dump``,
``pg_dump --format=custom``) and ``media/``. Restoring checks every file against the manifest before it
touches anything, then replaces the database and the media folder.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1


class BackupRefused(Exception):
    """Nothing was written: the message says why."""


def _media_root() -> Path:
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        raise BackupRefused(
            "Uploads are kept in an object store (TUOYU_STORAGE=s3): back the bucket up with the store's own "
            "tools; this command backs up local files only."
        )
    return Path(settings.MEDIA_ROOT)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_below(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(path for path in root.rglob("*") if path.is_file())


def _postgres_environment() -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "PGHOST": str(db["HOST"] or "127.0.0.1"),
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": str(db["USER"]),
        "PGPASSWORD": str(db["PASSWORD"] or ""),
        "PGDATABASE": str(db["NAME"]),
    }


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, env=_postgres_environment(), check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupRefused(
            f"{command[0]} was not found: install the PostgreSQL client tools of the server's version."
        ) from None
    except subprocess.CalledProcessError as failure:
        raise BackupRefused(f"{command[0]} failed: {failure.stderr.strip()}") from None


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """SQLite's online backup: a consistent copy even while others write; both connections closed after."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def _database_copy(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        _sqlite_copy(connection.settings_dict["NAME"], target)
        return target
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"])
        return target
    raise BackupRefused(f"Backups of a {connection.vendor} database are not supported.")


def backup_create(*, directory: Path, now: datetime.datetime | None = None) -> Path:
    """Write ``tuoyu-backup-<date>-<time>.tar`` into ``directory``; its path."""
    now = now or timezone.now()
    media = _media_root()
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"tuoyu-backup-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory() as work:
        database = _database_copy(Path(work))
        files = {str(path.relative_to(media)): _sha256(path) for path in _files_below(media)}
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": {"vendor": connection.vendor, "file": database.name, "sha256": _sha256(database)},
            "media": files,
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        with tarfile.open(archive, "w") as tar:
            tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
            tar.add(database, arcname=database.name)
            for name in files:
                tar.add(media / name, arcname=f"media/{name}")
    return archive


def _unpacked(archive: Path, work: Path) -> dict[str, Any]:
    """Unpack ``archive`` into ``work`` and check it against its manifest; the manifest."""
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        manifest: dict[str, Any] = json.loads((work / MANIFEST).read_text())
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BackupRefused(f"{archive} is not a Tuoyu backup ({error}).") from None
    database = manifest["database"]
    if database["vendor"] != connection.vendor:
        raise BackupRefused(
            f"This backup is of a {database['vendor']} database; this installation uses {connection.vendor}."
        )
    expected = {database["file"]: database["sha256"]} | {
        f"media/{n}": h for n, h in manifest["media"].items()
    }
    for name, digest in expected.items():
        if not (work / name).is_file() or _sha256(work / name) != digest:
            raise BackupRefused(f"{name} in the backup is missing or damaged: nothing was restored.")
    return manifest


def _database_replace(copy: Path) -> None:
    connections.close_all()
    if connection.vendor == "sqlite":
        _sqlite_copy(copy, connection.settings_dict["NAME"])
    else:
        name = connection.settings_dict["NAME"]
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={name}",
                str(copy),
            ]
        )


def _media_replace(incoming: Path, media: Path) -> None:
    """The media folder becomes the backup's: staged beside it, swapped in, the old one removed after."""
    staged = media.with_name(f".restoring-{media.name}")
    previous = media.with_name(f".replaced-{media.name}")
    for leftover in (staged, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    if incoming.is_dir():
        shutil.copytree(incoming, staged)
    else:  # the backup had no uploads
        staged.mkdir(parents=True)
    if media.exists():
        media.rename(previous)
    staged.rename(media)
    shutil.rmtree(previous, ignore_errors=True)


def backup_restore(*, archive: Path) -> dict[str, Any]:
    """Replace the database and the media folder with the backup's; its manifest. Stop Tuoyu (web and queue)
    first: whatever they write meanwhile is lost."""
    media = _media_root()
    with tempfile.TemporaryDirectory() as work:
        manifest = _unpacked(archive, Path(work))
        _database_replace(Path(work) / manifest["database"]["file"])
        _media_replace(Path(work) / "media", media)
    return manifest
