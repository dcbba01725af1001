"""The certificates each staff role needs to work (持证上岗), as data."""

from django.db import migrations

ALL_STAFF = "《托儿所幼儿园卫生保健管理办法》第十四条；WS/T 821—2023"
SETTING = "《托育机构设置标准（试行）》第十八条"

REQUIREMENTS = [
    *[(role, "health", ALL_STAFF) for role in ("director", "caregiver", "health_worker", "security", "cook", "teacher", "other")],
    *[
        (role, "no_criminal_record", ALL_STAFF)
        for role in ("director", "caregiver", "health_worker", "security", "cook", "teacher", "other")
    ],
    ("director", "director_training", SETTING),
    ("caregiver", "caregiver", SETTING),
    ("health_worker", "health_care_training", SETTING + "；《托儿所幼儿园卫生保健管理办法》第十二条"),
    ("security", "security_guard", SETTING),
    ("teacher", "teacher", "《中华人民共和国教师法》第十条"),
]


def add_requirements(apps, schema_editor):
    CertificateRequirement = apps.get_model("workforce", "CertificateRequirement")
    for role, certificate_type, source in REQUIREMENTS:
        CertificateRequirement.objects.update_or_create(
            role=role, certificate_type=certificate_type, defaults={"source": source}
        )


def remove_requirements(apps, schema_editor):
    apps.get_model("workforce", "CertificateRequirement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]
    operations = [migrations.RunPython(add_requirements, remove_requirements)]
