# Each return's and claim's last known change (a return's latest history row), in batches,
# then the sync's indexes built without blocking writes (hence not atomic).

from django.db import migrations, models

from commerce.backfill import AddIndexWithoutBlocking, in_batches


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    in_batches(
        schema_editor,
        table="returns_returnrequest",
        assignment="updated_at = GREATEST(t.requested_at, t.authorised_at, t.closed_at, t.late_at, "
        "(SELECT max(e.at) FROM returns_returnevent e WHERE e.return_request_id = t.id))",
    )
    in_batches(
        schema_editor,
        table="returns_claim",
        assignment="updated_at = GREATEST(t.filed_at, t.seller_responded_at, t.decided_at)",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('commerce', '0011_order_updated_at_backfill'),
        ('returns', '0009_updated_at'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        AddIndexWithoutBlocking(
            model_name='claim',
            index=models.Index(fields=['seller', 'updated_at', 'id'], name='claim_seller_updated_idx'),
        ),
        AddIndexWithoutBlocking(
            model_name='returnrequest',
            index=models.Index(fields=['seller', 'updated_at', 'id'], name='return_seller_updated_idx'),
        ),
    ]
