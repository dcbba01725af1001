from django.db import migrations


def load(apps, schema_editor):
    from tuoyu.health.diseases import disease_table_load

    disease_table_load(apps.get_model("health", "Disease"))


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
