from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from commerce import demo
from messaging.demo import seed_messages
from metrics.demo import seed_feedback
from returns.demo import seed_returns

BATCH = 1000


class Command(BaseCommand):
    help = "Create the demo sellers, buyers and orders. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orders",
            type=int,
            default=0,
            help="Also make sure there are at least N generated orders (a larger data set).",
        )

    def handle(self, *args, orders: int, **options) -> None:
        if orders < 0:
            self.stderr.write("--orders must be zero or more")
            raise SystemExit(2)
        world = demo.seed_core()
        seed_messages(world)
        seed_returns(world)
        seed_feedback(world)
        have = demo.generated_orders_count()
        if orders > have:
            with tqdm(total=orders, initial=have, unit="order", desc="Generating orders") as bar:
                for start in range(have, orders, BATCH):
                    stop = min(start + BATCH, orders)
                    demo.generate_orders(world, start=start, stop=stop)
                    bar.update(stop - start)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Sign in: seller/seller, seller2/seller2 (Seller Central), "
                "luca/luca, jan/jan (storefront), admin/admin (Django admin)."
            )
        )
