# Each order's last known change, in batches, then the sync's index built without blocking
# writes (hence not atomic).

from django.db import migrations, models

from commerce.backfill import AddIndexWithoutBlocking, in_batches


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    in_batches(
        schema_editor,
        table="commerce_order",
        assignment="updated_at = GREATEST(t.placed_at, t.dispatched_at, t.delivered_at)",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('commerce', '0010_order_updated_at'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        AddIndexWithoutBlocking(
            model_name='order',
            index=models.Index(fields=['seller', 'updated_at', 'id'], name='order_seller_updated_idx'),
        ),
    ]
