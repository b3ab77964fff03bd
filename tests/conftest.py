import pytest
from django.test import Client

from sellercentral.celery import app as celery_app

from . import factories, privacy
from .api_conformance import _api_answers_conform_to_the_schema  # noqa: F401 (autouse, session)
from .api_conformance import report as report_api_conformance
from .workers import broker_mode, queue, start_process  # noqa: F401 (shared fixtures)


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_in_process():
    """Unit tests run tasks in-process; the worker tests start real worker processes."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _relayed_mail_leaks_no_real_address(settings):
    """Every mail any test sends is scanned for the real addresses the database holds."""
    settings.EMAIL_BACKEND = "tests.privacy.PrivacyCheckingBackend"
    privacy.leaks_found.clear()
    yield
    assert not privacy.leaks_found, privacy.leaks_found[0]


def pytest_terminal_summary(terminalreporter):
    report_api_conformance(terminalreporter._session, terminalreporter)
    if privacy.scanned["mails"]:
        terminalreporter.write_line(
            f"privacy: {privacy.scanned['mails']} sent mails scanned for real addresses"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seller():
    return factories.SellerAccountFactory(name="Test UK Seller 4 Luca")


@pytest.fixture
def seller_client(seller) -> Client:
    client = Client()
    client.force_login(factories.seller_user(seller))
    return client


@pytest.fixture
def customer():
    return factories.CustomerFactory(name="Luca de Pasqua")


@pytest.fixture
def buyer_client(customer) -> Client:
    client = Client()
    client.force_login(customer.user)
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a service defers to commit (the outbox send task), as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run
