"""The enterprise service desk's time limits (国办发〔2020〕53号 and the limits local 12345 desks publish)."""

import datetime

from django.db import migrations

SINCE = datetime.date(2020, 12, 28)
HOTLINES = "《国务院办公厅关于进一步优化地方政务服务便民热线的指导意见》（国办发〔2020〕53号）"
LOCAL = "，时限取各地公布的通行做法（本区可调整）"
VALUES = {
    "enterprise.accept_minutes": (120, HOTLINES + "：及时受理" + LOCAL + "：登记后2个工作小时内受理"),
    "enterprise.limit.simple": (3, HOTLINES + LOCAL + "：简易诉求3个工作日内办结"),
    "enterprise.limit.ordinary": (7, HOTLINES + LOCAL + "：一般诉求7个工作日内办结"),
    "enterprise.limit.complex": (15, HOTLINES + LOCAL + "：复杂诉求15个工作日内办结"),
    "enterprise.follow_up_days": (1, HOTLINES + "：办结回访" + LOCAL + "：办结后1个工作日内回访"),
    "enterprise.extension_max_days": (15, HOTLINES + LOCAL + "：延期以一次为限，最长15个工作日"),
}


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    for key, (value, source) in VALUES.items():
        PolicyValue.objects.update_or_create(
            key=key, effective_from=SINCE, defaults={"value": value, "source": source}
        )


def unload(apps, schema_editor):
    apps.get_model("policies", "PolicyValue").objects.filter(key__in=VALUES, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0006_subsidy_payment_days")]

    operations = [migrations.RunPython(load, unload)]
