from django.db import migrations

from tuoyu.enrolment.notices import FIRST_BODY, FIRST_TITLE, FIRST_VERSION


def publish(apps, schema_editor):
    PrivacyNotice = apps.get_model("enrolment", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(version=FIRST_VERSION, defaults={"title": FIRST_TITLE, "body": FIRST_BODY})


def unpublish(apps, schema_editor):
    apps.get_model("enrolment", "PrivacyNotice").objects.filter(version=FIRST_VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_initial")]
    operations = [migrations.RunPython(publish, unpublish)]
