"""``make profile PAGE=inbox``: where one hot page's time goes, on the bench's data set.

Requests the page through Django's test client (all middleware, the session, the template
rendering; no network) as its user, a few times to warm up, then ``--runs`` times under
pyinstrument, and prints the frames that took the most time by themselves, then the call
tree. Run it with production settings (``DEBUG`` off, cached templates), as ``make profile``
does: a profile of development settings shows their costs, not the product's.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commerce import generations
from commerce.models import SellerAccount
from sellercentral import benchdata
from sellercentral.bench_pages import HOT_PAGES, world_of


class Command(BaseCommand):
    help = "Profile one hot page on the bench's data set: the top frames and the call tree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("page", choices=sorted(HOT_PAGES))
        parser.add_argument("--runs", type=int, default=50, help="requests profiled")
        parser.add_argument("--top", type=int, default=25, help="frames listed by their own time")

    def handle(self, *args, page: str, runs: int, top: int, **options) -> None:
        from pyinstrument import Profiler
        from pyinstrument.renderers import ConsoleRenderer

        data = benchdata.existing()
        if data is None:
            raise CommandError("No bench data set: run `make bench` once first (it loads it).")
        generations.reset()  # the database may be a copy made under the cache
        hot = HOT_PAGES[page]
        world = world_of(SellerAccount.objects.get(pk=data.largest_seller_id))
        client = Client()
        client.force_login(hot.user(world))
        address = hot.address(world)
        for _ in range(5):  # caches, compiled templates, the connection
            response = client.get(address, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{address} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(address, secure=True)
        queries = len(captured)  # now: the next request empties the connection's log
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(runs):
            client.get(address, secure=True)
        profiler.stop()
        session = profiler.last_session
        per_request = session.duration / runs * 1000
        self.stdout.write(
            f"{page}: {address} as {hot.party}; {runs} requests, {per_request:.1f} ms each, {queries} queries"
        )
        flat = ConsoleRenderer(unicode=True, color=False, flat=True, time="percent_of_total", show_all=False)
        lines = flat.render(session).splitlines()
        self.stdout.write("\nTop frames by their own time:")
        self.stdout.write("\n".join(lines[: top + 4]))
        tree = ConsoleRenderer(unicode=True, color=False, time="percent_of_total", show_all=False)
        self.stdout.write("\nCall tree:")
        self.stdout.write(tree.render(session))
