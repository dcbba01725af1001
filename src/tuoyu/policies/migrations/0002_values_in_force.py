"""The policy values in force, each from the day its source took effect (docs/national-rules.md).

A change of rule is a new migration adding a row with its new effective date; rows here are never edited,
so that every past day is still judged by the rule in force that day.
"""

import datetime

from django.db import migrations

SZ = "《托育机构设置标准（试行）》（国卫人口发〔2019〕58号）"
BA = "《托育机构登记和备案办法（试行）》（国卫办人口发〔2019〕25号）第九条"
L76 = "《托儿所幼儿园卫生保健管理办法》（卫生部 教育部令第76号）"
GZ12 = "《托儿所幼儿园卫生保健工作规范》（卫妇社发〔2012〕35号）"

VALUES = [
    # key, value, effective from, source
    ("class_cap.infant", 10, datetime.date(2019, 10, 8), f"{SZ}第十九条：乳儿班不超过10人"),
    ("class_cap.toddler", 15, datetime.date(2019, 10, 8), f"{SZ}第十九条：托小班不超过15人"),
    ("class_cap.preschool", 20, datetime.date(2019, 10, 8), f"{SZ}第十九条：托大班不超过20人"),
    ("class_cap.mixed", 18, datetime.date(2019, 10, 8), f"{SZ}第十九条：混龄班不超过18人"),
    ("ratio.infant", 3, datetime.date(2019, 10, 8), f"{SZ}第二十条：乳儿班保育人员与婴幼儿比例不低于1:3"),
    ("ratio.toddler", 5, datetime.date(2019, 10, 8), f"{SZ}第二十条：托小班不低于1:5"),
    ("ratio.preschool", 7, datetime.date(2019, 10, 8), f"{SZ}第二十条：托大班不低于1:7"),
    (
        "ratio.mixed",
        5,
        datetime.date(2019, 10, 8),
        f"{SZ}第二十条未规定混龄班比例，从严按托小班1:5（国家规则§4.7）",
    ),
    ("filing.review_working_days", 5, datetime.date(2020, 1, 1), f"{BA}：5个工作日内出具备案回执"),
    ("food_sample.min_grams", 100, datetime.date(2012, 5, 9), f"{GZ12}：每份留样不少于100克"),
    ("food_sample.min_hours", 48, datetime.date(2012, 5, 9), f"{GZ12}：留样冷藏48小时以上"),
    (
        "health_worker.full_time_from_children",
        150,
        datetime.date(2010, 11, 1),
        f"{L76}第十二条：收托150名以上儿童的，应当至少配备1名专职卫生保健人员",
    ),
    (
        "absence.new_exam_after_months",
        3,
        datetime.date(2012, 5, 9),
        f"{GZ12}；《托育机构管理规范（试行）》第十一条：离园3个月以上的，返园时应当重新进行健康检查",
    ),
]


def load_values(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    for key, value, effective_from, source in VALUES:
        PolicyValue.objects.update_or_create(
            key=key, effective_from=effective_from, defaults={"value": value, "source": source}
        )


def unload_values(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    for key, _value, effective_from, _source in VALUES:
        PolicyValue.objects.filter(key=key, effective_from=effective_from).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_policy_values")]

    operations = [migrations.RunPython(load_values, unload_values)]
