# The column first, with a database default (one value for the whole ALTER, so PostgreSQL
# adds it without rewriting the table); 0011 fills it with each row's own time.

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0009_languages_chosen'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now(), help_text='When anything of the row last changed.'),
        ),
    ]
