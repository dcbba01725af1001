"""The days after the start of care within which the vaccination certificate is checked (JC21)."""

import datetime

from django.db import migrations

KEY = "enrolment.vaccination_check_days"
SINCE = datetime.date(2021, 2, 1)  # JC21 was issued in February 2021; the day itself is not checked
SOURCE = "《儿童入托、入学预防接种证查验办法》（2021年2月）：新入托儿童应在入托后30日内完成预防接种证查验"


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    PolicyValue.objects.update_or_create(key=KEY, effective_from=SINCE, defaults={"value": 30, "source": SOURCE})


def unload(apps, schema_editor):
    apps.get_model("policies", "PolicyValue").objects.filter(key=KEY, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_values_in_force")]

    operations = [migrations.RunPython(load, unload)]
