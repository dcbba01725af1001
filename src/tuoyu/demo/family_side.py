"""What families see of an institution and do from their phone: each institution's photos on its public
page (drawn here, small), its telephone, and the absences the families reported themselves (请假).

The photos are simple pictures drawn with Pillow at seed time (a room, a garden, a nap room in the
institution's colours), a few kilobytes each; nobody's face is in them.
"""

import datetime
import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Absence
from tuoyu.demo import district
from tuoyu.enrolment.models import Guardianship
from tuoyu.registry.models import Institution, InstitutionPhoto

PHOTOS = (
    ("活动室", (250, 214, 165)),
    ("户外活动场地", (170, 214, 160)),
    ("午睡室", (190, 205, 235)),
)
SIZE = (480, 320)


def _picture(seed: str, wall: tuple[int, int, int]) -> bytes:
    """A small PNG: a wall, a floor and a few shapes placed by the seed (the same picture every seeding)."""
    digest = hashlib.sha256(seed.encode()).digest()
    image = Image.new("RGB", SIZE, wall)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((0, height * 2 // 3, width, height), fill=(222, 196, 150))  # the floor
    for i in range(4):
        x = 30 + digest[i] % (width - 120)
        y = 40 + digest[i + 4] % (height // 2)
        size = 30 + digest[i + 8] % 50
        colour = (digest[i + 12], digest[i + 16], digest[i + 20])
        shape = draw.ellipse if digest[i + 24] % 2 else draw.rectangle
        shape((x, y, x + size, y + size), fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def seed_institution_photos() -> int:
    """Three photos for each institution of the demo district; returns how many."""
    count = 0
    for institution in district.demo_institutions().order_by("pk"):
        for position, (caption, wall) in enumerate(PHOTOS):
            InstitutionPhoto.objects.create(
                institution=institution,
                image=ContentFile(_picture(f"{institution.name}{caption}", wall), name="photo.png"),
                caption=caption,
                position=position,
            )
            count += 1
    return count


def seed_public_phones() -> None:
    """A telephone for every institution that has none in the district's data (0537: 济宁)."""
    for number, institution in enumerate(district.demo_institutions().order_by("pk"), start=1):
        if not institution.public_phone:
            Institution.objects.filter(pk=institution.pk).update(public_phone=f"0537-23{number:05d}")


def seed_family_absences(today: datetime.date) -> int:
    """About one absence in three of the week in care was reported by the family (请假) rather than taken
    by the class on the telephone: the same rows, marked as the family's and recorded by a guardian, so that
    the class screen shows "家长请假" on today's and the family sees them on its absence page. Returns how
    many."""
    absences = Absence.objects.filter(
        care_class__institution__in=district.demo_institutions(), day__lte=today
    )
    chosen = list(absences.order_by("day", "pk").values_list("pk", "child_id"))[::3]
    guardians: dict[int, int] = {}
    for child_id, user_id in (
        Guardianship.objects.filter(child_id__in={child for _pk, child in chosen})
        .order_by("-pk")
        .values_list("child_id", "user_id")
    ):
        guardians[child_id] = user_id  # the first guardian of each child, read last
    marked = 0
    for pk, child_id in chosen:
        if child_id in guardians:
            Absence.objects.filter(pk=pk).update(by_family=True, recorded_by=guardians[child_id])
            marked += 1
    return marked


def seed_family_side(*, users: dict[str, User], today: datetime.date) -> None:
    seed_public_phones()
    seed_institution_photos()
    seed_family_absences(today)
