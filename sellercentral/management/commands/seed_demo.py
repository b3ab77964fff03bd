import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from commerce import demo, demo_history
from messaging import demo as messaging_demo
from messaging.demo import seed_messages
from metrics import demo as metrics_demo
from metrics.demo import seed_feedback
from returns import demo as returns_demo
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
            "--no-history",
            action="store_true",
            help="Only the fixtures the docs name, without the demo seller's 90 days of history (faster).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run with production settings too (a demonstration site); no admin account is made.",
        )

    def handle(self, *args, orders: int, allow_production: bool, no_history: bool = False, **options) -> None:
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
        started = time.monotonic()
        world = demo.seed_core(demo_admin=development)
        seed_messages(world)
        seed_returns(world)
        seed_feedback(world)
        if not no_history:
            seed_history(world)
        have = demo.generated_orders_count()
        if orders > have:
            with tqdm(total=orders, initial=have, unit="order", desc="Generating orders") as bar:
                for start in range(have, orders, BATCH):
                    stop = min(start + BATCH, orders)
                    demo.generate_orders(world, start=start, stop=stop)
                    bar.update(stop - start)
        self.stdout.write(f"Demo data seeded in {time.monotonic() - started:.1f} s.")
        sign_ins = "seller/seller, seller2/seller2 (Seller Central), luca/luca, jan/jan (storefront)"
        if development:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data ready. Sign in: {sign_ins}, admin/admin (Django admin).")
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in: {sign_ins}."))
        self.stdout.write("No admin account was made: create one with `manage.py createsuperuser`.")


@transaction.atomic
def seed_history(world: demo.DemoWorld) -> None:
    """The demo seller's past, each app's part of it in one timeline: conversations, returns
    and claims, feedback, and the timers beat would have run every night in between. Each app
    leaves its part out once it is there, so a second run adds nothing."""
    steps = (
        messaging_demo.history_steps(world)
        + returns_demo.history_steps(world)
        + metrics_demo.history_steps(world)
    )
    if not steps:
        return
    first = min(step.at for step in steps)
    nights = range((world.now - first).days + 1, 0, -1)
    for days_ago in nights:  # 3 a.m. each night
        night = (world.now - timedelta(days=days_ago)).replace(hour=3)
        steps.append(demo_history.Step(night, returns_demo.timers_sweep))
        steps.append(demo_history.Step(night, messaging_demo.overdue_sweep))
    outbox_before = messaging_demo.last_outbox_id()
    demo_history.run_steps(steps)
    messaging_demo.mark_history_mail_sent(after_id=outbox_before, before=world.now)
