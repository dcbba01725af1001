"""The working days within which a subsidy decision is paid (the "on time" of the ledger's dashboard)."""

import datetime

from django.db import migrations

KEY = "subsidy.payment_working_days"
SINCE = datetime.date(2025, 1, 1)
SOURCE = "本区补助资金拨付时限（演示值，以本地财政文件为准）"


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    PolicyValue.objects.update_or_create(key=KEY, effective_from=SINCE, defaults={"value": 20, "source": SOURCE})


def unload(apps, schema_editor):
    apps.get_model("policies", "PolicyValue").objects.filter(key=KEY, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0005_childcare_allowance")]

    operations = [migrations.RunPython(load, unload)]
