from django.db import migrations, models
from django.db.models import Q

from tuoyu.append_only import triggers_create, triggers_drop

TABLES = ("subsidies_ledgerentry",)


def create(apps, schema_editor):
    triggers_create(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    triggers_drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    """A budget entry may be negative (a reduction of the year's budget, 预算调减); it is never zero. The
    service refuses a reduction that would leave the budget below what is committed.

    SQLite rebuilds the table to change a check constraint, which would lose the append-only triggers: they
    are lifted for the change and created again on the new table."""

    dependencies = [("subsidies", "0002_ledger_append_only")]

    operations = [
        migrations.RunPython(drop, create),
        migrations.RemoveConstraint(model_name="ledgerentry", name="ledger_entry_traceable"),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                name="ledger_entry_traceable",
                condition=Q(kind="budget", decision__isnull=True) & ~Q(amount_yuan=0)
                | Q(kind="commitment", decision__isnull=False)
                | Q(kind="payment", decision__isnull=False, paid_on__isnull=False),
            ),
        ),
        migrations.RunPython(create, drop),
    ]
