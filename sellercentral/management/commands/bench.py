import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from commerce import generations
from commerce.models import SellerAccount
from messaging import bench as messaging_bench
from messaging import bench_postfix
from messaging.models import Message
from metrics import bench as metrics_bench
from returns import bench as returns_bench
from returns.models import ReturnRequest
from sellercentral import bench_floors, benchdata
from sellercentral import bench_web as web_bench
from sellercentral.bench_pages import world_of

PARTS = ("pages", "inbox", "metrics", "returns", "relay", "postfix", "web")


def _settings_line() -> str:
    """What the page figures run on: production settings or not."""
    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader

    loaders = engines["django"].engine.template_loaders
    cached = any(isinstance(loader, CachedLoader) for loader in loaders)
    return (
        f"settings: DEBUG={settings.DEBUG}, template loaders cached: {'yes' if cached else 'no'}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"static files {settings.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1]}"
    )


class Command(BaseCommand):
    _default_output = str(settings.BASE_DIR / "BENCHMARKS.md")

    @staticmethod
    def _start_worker() -> subprocess.Popen:
        """A real worker on the bench's broker and database (its own process). The bench's queue
        is emptied first: an earlier run's relay leaves its outbox sends queued, and the figure
        would wait behind them."""
        from sellercentral.celery import app

        app.control.purge()
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "sellercentral", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=settings.BASE_DIR,
        )  # fmt: skip
        time.sleep(3)  # connected and consuming
        return worker

    help = "Benchmarks with a baseline measured in the same run; writes BENCHMARKS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=40, help="requests per timed figure")
        parser.add_argument("--relay", type=int, default=300, help="mails sent through the relay")
        parser.add_argument("--postfix", type=int, default=500, help="mails through Postfix, each way")
        parser.add_argument("--web-seconds", type=int, default=20, help="seconds of each web load run")
        parser.add_argument("--output", default=self._default_output)
        parser.add_argument(
            "--only",
            choices=PARTS,
            action="append",
            help="run only this part (repeatable); BENCHMARKS.md is then not written unless --output names it",
        )

    def handle(
        self,
        *args,
        runs: int,
        relay: int,
        postfix: int,
        web_seconds: int,
        output: str,
        only: list[str] | None,
        **options,
    ) -> None:
        parts = set(only or PARTS)
        if only and output == self._default_output:
            output = ""  # a partial run does not replace the full figures
        lines: list[str] = []
        table: list[tuple] = []

        def report(line: str) -> None:
            self.stdout.write(line)
            lines.append(line)

        def figure(name: str, value: str, baseline: str, ratio: str, goal: str, met: bool) -> None:
            table.append((name, value, baseline, ratio, goal, "yes" if met else "**no**"))

        started = time.perf_counter()
        data = benchdata.build(stdout=self.stderr)
        # COPY wrote past the models' generation hooks, and the database may be a copy made
        # under the cache: no page cached before may be shown (docs/decisions.md).
        generations.reset()
        loaded = time.perf_counter() - started
        seller = SellerAccount.objects.get(pk=data.largest_seller_id)
        largest = Message.objects.filter(seller=seller).count()
        report(
            f"## Data set: {SellerAccount.objects.count():,} sellers, {Message.objects.count():,} messages "
            f"(largest seller {largest:,}), {ReturnRequest.objects.count():,} return requests"
        )
        report(f"ready in {loaded:.0f} s ({'loaded with COPY' if loaded > 5 else 'reused'})")
        report(_settings_line())
        if "pages" in parts:
            report("")
            report(f"## Hot pages beside their floors ({runs} requests each, page and floor in turn)")
            bench_floors.bench_pages(world_of(seller), runs=runs, report=report, figure=figure)
        if "inbox" in parts:
            report("")
            report(f"## Messaging: the largest seller's inbox ({runs} requests each)")
            messaging_bench.bench_inbox(seller, runs=runs, report=report, figure=figure)
        if "metrics" in parts:
            report("")
            report("## Contact Response Time and the 24-hour timer")
            metrics_bench.bench_contact_response_time(seller, runs=runs, report=report, figure=figure)
            metrics_bench.bench_response_sweep(seller, due=10_000, runs=runs, report=report, figure=figure)
        if "returns" in parts:
            report("")
            report(f"## Returns: Manage Returns of the largest seller ({runs} requests each)")
            returns_bench.bench_manage_returns(seller, runs=runs, report=report, figure=figure)
            report("")
            report("## Returns: timers and automatic authorisation")
            returns_bench.bench_timers(seller, due=10_000, runs=runs, report=report)
            returns_bench.bench_auto_authorisation(
                seller, count=200, report=report, figure=figure, start_worker=self._start_worker
            )
        if "relay" in parts:
            report("")
            report(f"## Messaging: relay throughput ({relay} mails over one SMTP connection)")
            messaging_bench.bench_relay(seller, count=relay, report=report, figure=figure)
        if "postfix" in parts:
            report("")
            report(f"## Messaging: the relay behind a real Postfix MX ({postfix} mails, 4 connections)")
            bench_postfix.bench_postfix_relay(
                seller, count=postfix, connections=4, report=report, figure=figure
            )
        if "web" in parts:
            report("")
            report(f"## Web: gunicorn on loopback, 50 concurrent users, {web_seconds} s per run")
            web_bench.bench_web(seller, seconds=web_seconds, report=report, figure=figure)
        machine = (
            f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
            f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''} · "
            f"broker {settings.CELERY_BROKER_URL.split('://')[0]}"
        )
        summary = [
            "| figure | result | baseline (same run) | ratio | goal | met |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        summary += ["| " + " | ".join(row) + " |" for row in table]
        self.stdout.write("\n".join(summary))
        if not output:
            return
        body = "\n".join(line if line.startswith("#") or not line else f"- {line}" for line in lines)
        Path(output).write_text(
            f"# Benchmarks\n\nRegenerated by `make bench` on {timezone.now():%Y-%m-%d %H:%M} UTC, on {machine}.\n"
            "Page times are server-side, through Django's test client (no network); the web figure is\n"
            "real HTTP to gunicorn. Each figure stands beside a baseline measured in the same run; each\n"
            "page beside its floor: a bench-only view behind the same middleware and session replaying\n"
            "the page's SQL and rendering the fetched rows with a plain template (what Django costs).\n\n"
            + "\n".join(summary)
            + f"\n\n{body}\n"
        )
        self.stdout.write(self.style.SUCCESS(f"Written to {output}"))
