"""A backup taken while Tuoyu runs, restored after the data and the files changed, gives back exactly the
rows and the files it held; a damaged archive restores nothing."""

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def rows() -> list[tuple[Any, ...]]:
    return list(Institution.objects.order_by("pk").values_list("pk", "name", "filed_places"))


def test_restore_gives_back_the_rows_and_the_files_of_the_backup(
    institution_x: Institution, institution_y: Institution, media: Path, tmp_path: Path
) -> None:
    default_storage.save("filings/licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    default_storage.save("workforce/scans/cert.png", ContentFile(b"\x89PNG scan"))
    before = rows(), Region.objects.count()
    files_before = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("tuoyu-backup-*.tar")

    Institution.objects.filter(pk=institution_y.pk).update(name="改过的名字", filed_places=1)
    RegionFactory.create(code="990199", name="备份之后加的区", level=Region.Level.DISTRICT)
    (media / "filings/licence.pdf").write_bytes(b"overwritten")
    (media / "workforce/scans/cert.png").unlink()
    (media / "stray.txt").write_bytes(b"written after the backup")

    call_command("restore", str(archive), "--yes", stdout=out)

    assert (rows(), Region.objects.count()) == before
    files_after = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert files_after == files_before
    assert "2 uploaded file(s)" in out.getvalue()


def test_a_damaged_backup_restores_nothing(institution_x: Institution, media: Path, tmp_path: Path) -> None:
    default_storage.save("filings/licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    (archive,) = tmp_path.glob("tuoyu-backup-*.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            content = data.read() if data else b""
            if member.name == "media/filings/licence.pdf":
                content = b"tampered"
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    Institution.objects.filter(pk=institution_x.pk).update(name="备份之后改的")

    with pytest.raises(CommandError, match=r"media/filings/licence\.pdf in the backup is missing or damaged"):
        call_command("restore", str(damaged), "--yes")

    assert Institution.objects.get(pk=institution_x.pk).name == "备份之后改的"
    assert (media / "filings/licence.pdf").read_bytes() == b"%PDF-1.4 licence"
