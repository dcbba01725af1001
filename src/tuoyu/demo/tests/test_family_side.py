"""The demo's family side: every institution has photos and a telephone on its public page, and about a
third of the week's absences were reported by the families themselves (请假), recorded by a guardian."""

import pytest
from django.test import Client

from tuoyu.daycare.models import Absence
from tuoyu.demo import district
from tuoyu.registry.models import InstitutionPhoto

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]


def test_every_institution_shows_three_photos_and_a_telephone(anonymous_client: Client) -> None:
    institutions = list(district.demo_institutions().filter(operating_status="operating"))
    assert institutions and all(institution.public_phone for institution in institutions)
    assert all(institution.photos.count() == 3 for institution in institutions)

    photo = InstitutionPhoto.objects.filter(institution=institutions[0]).first()
    assert photo is not None
    page = anonymous_client.get(f"/institutions/{institutions[0].code}/").content.decode()
    served = anonymous_client.get(f"/institution-photos/{photo.pk}/")
    assert f"/institution-photos/{photo.pk}/" in page and served["Content-Type"] == "image/png"
    assert len(b"".join(served.streaming_content)) < 20_000  # type: ignore[attr-defined]  # small


def test_a_third_of_the_absences_are_the_families_recorded_by_a_guardian() -> None:
    absences = Absence.objects.filter(care_class__institution__in=district.demo_institutions())
    families = absences.filter(by_family=True).select_related("child", "recorded_by")
    assert 0.25 < families.count() / absences.count() < 0.4
    for absence in families:
        assert absence.child.guardianships.filter(user=absence.recorded_by).exists()
