"""The files that run the product: compose file, Procfile, locks, CI script.

No Docker engine runs here, so the compose file is checked as data.
"""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_docker_compose_runs_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "relay"} <= set(services)
    assert services["relay"]["command"][2:3] == ["relay_smtpd"]
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "sellercentral", "worker"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    for name in ["web", "worker", "beat", "migrate", "relay"]:
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "DEBUG" not in env  # production defaults
        assert services[name]["build"] == "."
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ["web", "worker", "beat"]:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_procfile_starts_web_worker_and_beat():
    processes = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()
    )
    assert {"web", "worker", "beat", "relay"} <= set(processes)
    assert "manage.py relay_smtpd --host 127.0.0.1 --port" in processes["relay"]
    assert "gunicorn sellercentral.wsgi" in processes["web"]
    assert "celery -A sellercentral worker" in processes["worker"]
    assert "celery -A sellercentral beat" in processes["beat"]


def test_locks_pin_every_package_with_hashes_and_name_no_host():
    for name in sorted(path.name for path in ROOT.glob("requirements*.txt")):
        text = (ROOT / name).read_text()
        assert "://" not in text, name
        pins = re.findall(r"^([a-z0-9._-]+)==([^\s\\]+)", text, flags=re.M | re.I)
        assert pins, name
        for block in re.split(r"\n(?=[a-z0-9])", text, flags=re.I):
            if block.strip() and not block.startswith("#"):
                assert "--hash=sha256:" in block, block.splitlines()[0]
    runtime = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^django==5\.2\.", runtime, flags=re.M)


def test_the_node_tools_lock_names_no_host_and_carries_every_integrity_hash():
    lock = json.loads((ROOT / "tools" / "api-clients" / "package-lock.json").read_text())
    packages = {name: entry for name, entry in lock["packages"].items() if name}
    assert packages
    assert all(
        "resolved" not in entry and entry["integrity"].startswith("sha512-") for entry in packages.values()
    )


def test_ci_runs_make_test_on_postgresql_and_redis():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert 'DATABASE_URL="postgres://postgres@127.0.0.1:5432/' in script
    assert 'CELERY_BROKER_URL="redis://127.0.0.1:6379/' in script
    assert "pg_ctlcluster --skip-systemctl-redirect" in script and "redis-server --daemonize yes" in script
