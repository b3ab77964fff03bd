"""What `make run` prints before it starts: every address, every demo sign-in and every
process, read from where each is defined (the demo data, the settings, the Procfile), so the
banner cannot fall behind them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from commerce import demo

# What each Procfile process is, in the seller's and developer's words.
PROCESS_NAMES = {
    "web": "web server",
    "worker": "Celery worker",
    "beat": "Celery beat",
    "relay": "relay SMTP server",
}


def procfile_processes(procfile: Path) -> list[str]:
    """The process names of a Procfile, in its order."""
    names = []
    for line in procfile.read_text().splitlines():
        name, sep, _ = line.partition(":")
        if sep and name.strip() and not name.lstrip().startswith("#"):
            names.append(name.strip())
    return names


def banner_lines(*, site_url: str, relay_port: int, processes: list[str]) -> list[str]:
    # Every demo account is "name/name" (commerce/demo.py); buyers with their home marketplace.
    sellers = ", ".join(f"{username}/{username}" for username in demo.SELLERS)
    buyers = ", ".join(f"{username}/{username} ({home})" for username, (_, _, home) in demo.BUYERS.items())
    admin = f"{demo.DEMO_ADMIN}/{demo.DEMO_ADMIN}"
    rows = [
        ("Seller Central", f"{site_url}/seller/", f"sign in: {sellers}"),
        ("Storefront", f"{site_url}/", f"sign in: {buyers}"),
        ("Django admin", f"{site_url}/admin/", f"sign in: {admin}"),
        ("Dev mailbox", f"{site_url}/dev/mailbox/", f"signed in as {demo.DEMO_ADMIN}"),
        ("API docs", f"{site_url}/api/docs/", f"schema: {site_url}/api/schema/"),
        ("Relay (SMTP)", f"127.0.0.1:{relay_port}", "mail to the masked addresses"),
        ("Worker, beat", "(no port)", "Celery: background tasks and the timers"),
    ]
    width = max(len(address) for _, address, _ in rows)
    named = [PROCESS_NAMES.get(name, name) for name in processes]
    stops = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else "".join(named)
    return [
        "",
        *(f"  {label:<15} {address:<{width}}  {note}" for label, address, note in rows),
        f"  Links in e-mails point to {site_url}/",
        f"  Ctrl-C stops the {stops} ({len(named)} processes).",
        "",
    ]


class Command(BaseCommand):
    help = "Print the development start banner (make run)."

    def handle(self, *args, **options) -> None:
        processes = procfile_processes(Path(settings.BASE_DIR) / "Procfile")
        lines = banner_lines(
            site_url=settings.SITE_URL.rstrip("/"), relay_port=settings.RELAY_SMTP_PORT, processes=processes
        )
        self.stdout.write("\n".join(lines))
