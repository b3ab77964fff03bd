# A migration of its own: PostgreSQL checks the rows the data migration before it has moved.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0013_system_messages_their_own_sender"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="message",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("direction", "system"), ("is_system", True)),
                    models.Q(("is_system", False), models.Q(("direction", "system"), _negated=True)),
                    _connector="OR",
                ),
                name="message_system_is_its_own_sender",
            ),
        ),
    ]
