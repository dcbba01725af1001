from django.db import migrations

from tuoyu.append_only import triggers_create, triggers_drop

TABLES = ("subsidies_ledgerentry",)


def create(apps, schema_editor):
    triggers_create(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    triggers_drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    """The subsidy ledger refuses UPDATE and DELETE in the database itself: a correction is a new entry."""

    dependencies = [("subsidies", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
