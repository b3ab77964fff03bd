"""``manage.py rebuild_response_rollup``: Contact Response Time's roll-up, again from the messages.

For rows written without the ORM's signals (a bulk load, a COPY, a restore): the roll-up is
emptied and rolled up to the last settled hour, as the beat sweep would from nothing.
"""

from django.core.management.base import BaseCommand

from metrics import services


class Command(BaseCommand):
    help = "Empty Contact Response Time's roll-up and roll it up again from the messages."

    def handle(self, *args, **options) -> None:
        rows = services.rebuild_response_rollup()
        self.stdout.write(f"{rows:,} seller-hours rolled up.")
