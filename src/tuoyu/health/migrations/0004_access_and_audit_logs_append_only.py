from django.db import migrations

from tuoyu.append_only import triggers_create, triggers_drop


# The tables of this migration: later ones (the subsidy ledger) get their triggers in their own migrations.
TABLES = ("health_healthrecordaccess", "auditlog_logentry", "health_logretention")


def create(apps, schema_editor):
    triggers_create(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    triggers_drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    """The health-record access log and the audit log refuse UPDATE and DELETE in the database itself."""

    dependencies = [
        ("health", "0003_log_retention"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop)]
