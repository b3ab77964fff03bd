from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from commerce import demo
from messaging.demo import seed_messages
from metrics.demo import seed_feedback
from returns.demo import seed_returns

BATCH = 1000

REFUSAL = (
    "seed_demo makes accounts whose passwords everyone knows (seller/seller, luca/luca, "
    "admin/admin …): it is for development (DEBUG=true, as `make run` sets), and these are "
    "production settings. Nothing was changed. To fill a demonstration site anyway, add "
    "--allow-production: no admin account is made then."
)


class Command(BaseCommand):
    help = (
        "Create the demo sellers, buyers and orders (development: see --allow-production). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orders",
            type=int,
            default=0,
            help="Also make sure there are at least N generated orders (a larger data set).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run with production settings too (a demonstration site); no admin account is made.",
        )

    def handle(self, *args, orders: int, allow_production: bool, **options) -> None:
        if orders < 0:
            self.stderr.write("--orders must be zero or more")
            raise SystemExit(2)
        # DEV_TOOLS follows DEBUG as configured; the test runner turns DEBUG itself off.
        development = settings.DEV_TOOLS
        if not development and not allow_production:
            raise CommandError(REFUSAL)
        # Production never keeps an admin/admin superuser, not even one an earlier run made.
        if not development and demo.disable_known_admin_password():
            self.stdout.write(
                self.style.WARNING("The admin user's password was 'admin': it no longer works.")
            )
        world = demo.seed_core(demo_admin=development)
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
        sign_ins = "seller/seller, seller2/seller2 (Seller Central), luca/luca, jan/jan (storefront)"
        if development:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data ready. Sign in: {sign_ins}, admin/admin (Django admin).")
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in: {sign_ins}."))
        self.stdout.write("No admin account was made: create one with `manage.py createsuperuser`.")
