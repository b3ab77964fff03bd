# The columns first, with a database default (one value for the whole ALTER, so PostgreSQL
# adds them without rewriting the tables); 0010 fills them with each row's own time.

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0010_order_updated_at'),
        ('returns', '0008_list_sort_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now(), help_text='When anything of the row last changed.'),
        ),
        migrations.AddField(
            model_name='returnrequest',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now(), help_text='When anything of the row last changed.'),
        ),
    ]
