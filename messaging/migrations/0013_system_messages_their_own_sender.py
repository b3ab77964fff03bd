"""System messages ("Return denied", "Refund issued" …) become the product's own: direction
"system", signed "Seller Central", instead of received from the buyer under the buyer's name."""

from django.db import migrations, models

# policy.SYSTEM_SENDER_NAME as it stands now: a migration keeps its own copy.
SYSTEM_SENDER_NAME = "Seller Central"


def to_their_own_sender(apps, schema_editor):
    Message = apps.get_model("messaging", "Message")
    Message.objects.filter(is_system=True).update(direction="system", sender_name=SYSTEM_SENDER_NAME)


def back_to_received(apps, schema_editor):
    # The buyer's name they carried before is not kept; the direction is what older code needs.
    Message = apps.get_model("messaging", "Message")
    Message.objects.filter(direction="system").update(direction="received")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0012_message_source_file"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="direction",
            field=models.CharField(
                choices=[("received", "Received"), ("sent", "Sent"), ("system", "System message")],
                max_length=10,
            ),
        ),
        migrations.RunPython(to_their_own_sender, back_to_received, elidable=False),
    ]
