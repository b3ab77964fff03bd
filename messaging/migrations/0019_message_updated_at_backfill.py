# Each message's last known change, in batches, then the sync's indexes built without
# blocking writes (hence not atomic).

from django.db import migrations, models

from commerce.backfill import AddIndexWithoutBlocking, in_batches


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    in_batches(
        schema_editor,
        table="messaging_message",
        assignment="updated_at = GREATEST(t.sent_at, t.responded_at, t.overdue_at)",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('commerce', '0011_order_updated_at_backfill'),
        ('messaging', '0018_message_updated_at'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        AddIndexWithoutBlocking(
            model_name='message',
            index=models.Index(fields=['seller', 'updated_at', 'id'], name='message_seller_updated_idx'),
        ),
        AddIndexWithoutBlocking(
            model_name='replytemplate',
            index=models.Index(fields=['seller', 'updated_at', 'id'], name='reply_template_updated_idx'),
        ),
    ]
