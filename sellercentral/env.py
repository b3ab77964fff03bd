"""Reading settings from the environment: each helper refuses a bad value at start-up
(``ImproperlyConfigured``) rather than letting the process misbehave later."""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes/no is refused."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_nameservers(name: str) -> list[tuple[str, int]]:
    """Comma-separated ``ip``, ``ip:port`` or ``[ipv6]:port``; empty means none (the system's)."""
    servers = []
    for item in filter(None, (raw.strip() for raw in env.list(name, default=[]))):
        host, port = item, "53"
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else (rest or port)
        elif item.count(":") == 1:
            host, port = item.split(":")
        try:
            address = str(ipaddress.ip_address(host))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address with an optional :port"
            ) from None
        if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise ImproperlyConfigured(f"{name}: {item!r} has no valid port")
        servers.append((address, int(port)))
    return servers


def site_url_for_bind(bind: str, name: str = "WEB_BIND") -> str:
    """The address a browser on this machine uses for a server bound to ``host:port``: the
    wildcard addresses (0.0.0.0, ::) are reached through loopback."""
    host, sep, port = bind.strip().rpartition(":")
    if not sep or not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ImproperlyConfigured(
            f"{name} must be host:port (127.0.0.1:8000), not {bind!r}; or set SITE_URL"
        )
    bracketed = host.startswith("[") and host.endswith("]")
    bare = host[1:-1] if bracketed else host
    if bare in {"", "0.0.0.0", "::"}:  # noqa: S104 (read, not bound to)
        bare = "127.0.0.1" if bare != "::" else "::1"
    try:
        literal = ipaddress.ip_address(bare)
    except ValueError:
        if not re.fullmatch(r"[A-Za-z0-9.-]+", bare):
            raise ImproperlyConfigured(f"{name}: {host!r} is not a host name or an IP address") from None
        return f"http://{bare}:{port}"
    return f"http://[{literal}]:{port}" if literal.version == 6 else f"http://{literal}:{port}"


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated CIDRs (``10.0.0.0/8``); a host address stands for itself (/32, /128)."""
    networks = []
    for item in filter(None, (raw.strip() for raw in env.list(name, default=[]))):
        try:
            networks.append(ipaddress.ip_network(item, strict=True))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a network ({exc})") from None
    return tuple(networks)


RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(name: str, raw: str) -> tuple[int, int]:
    """A rate ``<count>/<second|minute|hour|day>`` ("60/hour") as (count, seconds)."""
    count, _, period = raw.strip().partition("/")
    period = period.strip().lower()
    if not (count.strip().isascii() and count.strip().isdigit()) or period not in RATE_PERIODS:
        raise ImproperlyConfigured(f"{name} must be a rate like 60/hour, not {raw!r}")
    if int(count) < 1:
        raise ImproperlyConfigured(f"{name} must allow at least 1, not {raw!r}")
    return int(count), RATE_PERIODS[period]


def env_rate(name: str) -> tuple[int, int] | None:
    """A rate ``<count>/<second|minute|hour|day>`` ("60/hour") as (count, seconds); empty: None."""
    raw = env.str(name, default="").strip()
    return parse_rate(name, raw) if raw else None


def env_rates(name: str, *, known: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Rates by name, ``contact_seller=40/hour,sign_in=10/minute``; a name not in ``known``
    is refused (a typo would otherwise leave the default in force unnoticed)."""
    rates = {}
    for key, raw in env.dict(name, default={}).items():
        if key not in known:
            raise ImproperlyConfigured(f"{name} names an unknown rate {key!r} (known: {', '.join(known)})")
        rates[key] = parse_rate(f"{name}: {key}", raw)
    return rates


def cache_config(name: str, url: str) -> dict:
    """Django's cache settings for a URL: ``redis://…`` (or ``rediss://``), ``filecache:///folder``
    (``sellercentral.cache.SharedFileCache``) or ``locmem://`` (one process's memory)."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "sellercentral.cache.RedisCache", "LOCATION": url}
    if url.startswith("filecache://"):
        folder = url.removeprefix("filecache://")
        if not folder.startswith("/") or "\x00" in folder:
            raise ImproperlyConfigured(
                f"{name} must name an absolute folder (filecache:///var/cache/sc), not {url!r}"
            )
        # Room for every counter of a busy development day; expired ones are culled first.
        return {
            "BACKEND": "sellercentral.cache.SharedFileCache",
            "LOCATION": folder,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"{name} must be redis://…, filecache:///… or locmem://, not {url!r}")


_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+"
)


def env_host_name(name: str, default: str) -> str:
    """A fully qualified host name (``relay.example.com``), lower case; a bare word, an
    address or anything with spaces is refused."""
    value = env.str(name, default="").strip().lower() or default.lower()
    if not _HOST_NAME.fullmatch(value):
        raise ImproperlyConfigured(f"{name} must be a fully qualified host name, not {value!r}")
    return value


def env_path(name: str) -> Path | None:
    """A file's path; empty means none. Whether it can be read is checked by the process that
    uses it (compose hands one .env to every service, and only one mounts the file)."""
    raw = env.str(name, default="").strip()
    if not raw:
        return None
    if "\n" in raw or "\x00" in raw:
        raise ImproperlyConfigured(f"{name} must be a file path, not {raw!r}")
    return Path(raw).expanduser()


def development_secret_key(var_dir: Path) -> str:
    """A development install's own secret key, made once under ``var/`` and kept there."""
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
