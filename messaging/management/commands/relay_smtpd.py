import contextlib
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from messaging.outbox import batched_sends
from messaging.smtpd import relay_controller
from sellercentral.ratelimit import require_shared_counting


class Command(BaseCommand):
    help = "Run the masked-address relay's SMTP server (inbound mail to the relay domains)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument(
            "--reuse-port",
            action="store_true",
            help="share the port with other relay processes started the same way (scale out per core)",
        )

    def handle(self, *args, host: str, port: int, reuse_port: bool, **options) -> None:
        if reuse_port:  # other relay processes on the port: the rate limits must count as one
            require_shared_counting("relay processes sharing a port (--reuse-port)")
        controller = relay_controller(host=host, port=port, reuse_port=reuse_port)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        window = settings.RELAY_SEND_BATCH_MS / 1000
        with batched_sends(window) if window else contextlib.nullcontext():
            controller.start()
            self.stdout.write(f"Relay SMTP server listening on {host}:{port}", ending="\n")
            self.stdout.flush()
            stop.wait()
            controller.stop()
