"""Two users of one seller saving templates at once: the cap and the name hold (threads on the
real database, the seller's row locked by ``locks.lock_seller_templates``)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from messaging import policy, services
from messaging.models import ReplyTemplate

from .. import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(*actions) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes = [""] * len(actions)

    def run(n, action):
        try:
            barrier.wait()
            action()
            outcomes[n] = "done"
        except ValidationError:
            outcomes[n] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _save(seller, name):
    return lambda: services.create_reply_template(seller=seller, name=name, language="en-gb", body="Hello")


def test_two_saves_of_the_last_free_place_keep_one():
    seller = factories.SellerAccountFactory()
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(seller=seller, name=f"T{n}", language="en-gb", body="Hello")
        for n in range(policy.MAX_TEMPLATES_PER_SELLER - 1)
    )
    assert sorted(_race(_save(seller, "First"), _save(seller, "Second"))) == ["done", "refused"]
    assert ReplyTemplate.objects.filter(seller=seller).count() == policy.MAX_TEMPLATES_PER_SELLER


def test_two_saves_of_one_name_keep_one_and_neither_is_a_server_error():
    seller = factories.SellerAccountFactory()
    assert sorted(_race(_save(seller, "Dispatched"), _save(seller, "DISPATCHED"))) == ["done", "refused"]
    assert ReplyTemplate.objects.filter(seller=seller).count() == 1
