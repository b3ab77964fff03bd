# The column first, with a database default (one value for the whole ALTER, so PostgreSQL
# adds it without rewriting the million-row table); 0019 fills it with each row's own time.

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0010_order_updated_at'),
        ('messaging', '0017_awaiting_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now(), help_text='When anything of the row last changed.'),
        ),
    ]
