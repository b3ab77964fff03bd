"""API tokens moved from DRF's authtoken to django-rest-knox (sellercentral/tokens.py).

DRF's table held every token in clear and none of them ever expired: it goes, and so do its
rows in django_migrations, so that the app could be installed again cleanly. Clients sign in
again for an expiring token. A database that never had the table is left as it is.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sellercentral", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
