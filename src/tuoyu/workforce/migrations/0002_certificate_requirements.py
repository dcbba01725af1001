"""The certificates each staff role needs to work (持证上岗), as data."""

from django.db import migrations

from tuoyu.workforce.requirements import REQUIREMENTS

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
