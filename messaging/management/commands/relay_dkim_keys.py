from django.core.management.base import BaseCommand

from commerce.models import Marketplace
from messaging import dkim


class Command(BaseCommand):
    help = (
        "Create the DKIM key of every relay domain and of DEFAULT_FROM_EMAIL's domain where missing "
        "(existing keys are kept), and print the DNS TXT record to publish for each, one per line."
    )

    def handle(self, *args, **options) -> None:
        domains = [marketplace.relay_domain for marketplace in Marketplace.objects.order_by("id")]
        for domain in dict.fromkeys([*domains, dkim.product_domain()]):
            path, made = dkim.ensure_key(domain)
            self.stderr.write(f"{'created' if made else 'kept'} {path}")
            self.stdout.write(dkim.dns_record(domain))
