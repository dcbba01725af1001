"""The national childcare allowance (育儿补贴): 3,600 yuan a year per child under 3, from 1 January 2025.

The start date itself is a constant with its source (tuoyu.fees.allowance.START); the yearly amount is the
value a later national decision may change, by a migration that adds a dated row.
"""

import datetime

from django.db import migrations

KEY = "allowance.yuan_per_year"
SINCE = datetime.date(2025, 1, 1)
SOURCE = "《育儿补贴制度实施方案》（中共中央办公厅、国务院办公厅，2025年7月28日）：每孩每年3600元，直至满3周岁"


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    PolicyValue.objects.update_or_create(
        key=KEY, effective_from=SINCE, defaults={"value": 3600, "source": SOURCE}
    )


def unload(apps, schema_editor):
    apps.get_model("policies", "PolicyValue").objects.filter(key=KEY, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_supervision_cases")]

    operations = [migrations.RunPython(load, unload)]
