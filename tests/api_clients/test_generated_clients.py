"""Clients generated from the served schema by tools nobody here wrote, as an integrator would.

openapi-python-client's package must import whole and carry a buyer's and a seller's flow
against a live server, every answer parsed into its model; openapi-typescript's types must
type-check a usage file written against the contract's paths and field names; Redocly's
recommended rules must find no error. Run by ``make api-clients`` (the tools are pinned with
hashes in requirements-clients.txt and tools/api-clients/package-lock.json).
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
import typing
import urllib.request
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from .. import factories

pytestmark = [pytest.mark.api_clients, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "api-clients"
NODE_BIN = TOOLS / "node_modules" / ".bin"
PACKAGE = "sellercentral_client"


def run(*command: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, (
        f"{Path(command[0]).name} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )


@pytest.fixture(scope="session")
def served_schema(live_server, tmp_path_factory) -> Path:
    """The schema exactly as the running product serves it."""
    out = tmp_path_factory.mktemp("api-clients")
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:  # noqa: S310 (loopback)
        (out / "schema.json").write_bytes(answer.read())
    return out / "schema.json"


@pytest.fixture(scope="session")
def python_client(served_schema) -> ModuleType:
    out = served_schema.parent / "python"
    generator = Path(sys.executable).parent / "openapi-python-client"
    run(generator, "generate", "--path", served_schema, "--output-path", out, "--meta", "none",
        "--config", TOOLS / "python-client.yaml", cwd=served_schema.parent)  # fmt: skip
    sys.path.insert(0, str(out.parent))
    shutil.move(out, out.parent / PACKAGE)
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out.parent))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def operations(package: ModuleType) -> dict[str, ModuleType]:
    """Every operation's module of the generated package, by its file name (the operationId in snake case)."""
    api = importlib.import_module(f"{package.__name__}.api")
    found = {}
    for module in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        if not module.ispkg:
            found[module.name.rsplit(".", 1)[-1]] = importlib.import_module(module.name)
    return found


def test_every_module_of_the_generated_python_client_imports(python_client):
    failures = {}
    for module in pkgutil.walk_packages(python_client.__path__, f"{PACKAGE}."):
        try:
            importlib.import_module(module.name)
        except Exception as error:  # each failure is reported, not only the first
            failures[module.name] = f"{type(error).__name__}: {error}"
    assert failures == {}
    assert len(operations(python_client)) >= 30  # every operation of the API, not an empty package


def test_the_typescript_types_check_against_a_usage_file(served_schema):
    out = served_schema.parent / "ts"
    out.mkdir()
    run(NODE_BIN / "openapi-typescript", served_schema, "--output", out / "schema.d.ts", cwd=TOOLS)
    shutil.copy(TOOLS / "usage.ts", out / "usage.ts")
    run(NODE_BIN / "tsc", "--noEmit", "--strict", "--target", "es2022", "--module", "es2022",
        "--moduleResolution", "bundler", out / "usage.ts", cwd=TOOLS)  # fmt: skip


def test_redocly_finds_no_error_in_the_schema(served_schema):
    config = ROOT / "redocly.yaml"
    options = ["--config", config] if config.exists() else ["--extends", "recommended"]
    run(NODE_BIN / "redocly", "lint", *options, "--format", "stylish", served_schema, cwd=ROOT)


class Caller:
    """Calls an operation of the generated client by its operationId, with a JSON-like body."""

    def __init__(self, package: ModuleType, base_url: str) -> None:
        self.package, self.base_url = package, base_url
        self.modules = operations(package)

    def client(self, token: str | None = None):
        if token is None:
            return self.package.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        return self.package.AuthenticatedClient(
            base_url=self.base_url, token=token, prefix="Token", raise_on_unexpected_status=True
        )

    def __call__(self, operation_id: str, client, *, body: dict | None = None, status: int = 200, **params):
        module = self.modules[_snake(operation_id)]
        if body is not None:
            hints = typing.get_type_hints(module.sync_detailed)
            model = next(
                arg for arg in typing.get_args(hints["body"]) or [hints["body"]] if hasattr(arg, "from_dict")
            )
            params["body"] = model.from_dict(body)
        answer = module.sync_detailed(client=client, **params)
        assert int(answer.status_code) == status, answer.content[:2000]
        assert answer.parsed is not None or status == 204, (
            f"{operation_id}: the client could not read its answer"
        )
        return answer.parsed


def _snake(operation_id: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation_id).lstrip("_")


def test_a_buyer_and_a_seller_work_through_the_generated_client(python_client, live_server):
    seller = factories.SellerAccountFactory()
    seller_user = factories.seller_user(seller)
    buyer = factories.CustomerFactory()
    order = factories.OrderFactory(seller=seller, customer=buyer)
    card = factories.OrderItemFactory(order=order, quantity=2, unit_price=Decimal("6.49"))
    factories.return_address(seller)
    call = Caller(python_client, live_server.url)

    token = call(
        "createToken", call.client(), body={"username": buyer.user.username, "password": factories.PASSWORD}
    )
    as_buyer = call.client(token.token)
    orders = call("listBuyerOrders", as_buyer)
    assert [o.order_id for o in orders.results] == [order.order_id]
    contacted = call("contactSeller", as_buyer, order_id=order.order_id, status=201,
                     body={"subject": "order_delivery", "body": "The box had no charger."})  # fmt: skip
    requested = call("requestReturn", as_buyer, order_id=order.order_id, status=201,
                     body={"items": [{"order_item": card.pk, "quantity": 1, "reason": "missing_parts",
                                      "comment": "No charger"}]})  # fmt: skip
    assert requested.status == "authorisation_required" and requested.warnings == []

    token = call(
        "createToken", call.client(), body={"username": seller_user.username, "password": factories.PASSWORD}
    )
    as_seller = call.client(token.token)
    messages = call("listSellerMessages", as_seller)
    assert contacted.message.id in [m.id for m in messages.results]
    reply = call("replyToThread", as_seller, id=contacted.thread, status=201,
                 body={"body": "Sorry: a charger is on its way."})  # fmt: skip
    assert reply.direction == "sent"
    authorised = call("authoriseReturn", as_seller, id=requested.id, body={})
    assert authorised.status == "authorised" and authorised.rma
    refund = call("refundReturn", as_seller, id=requested.id, status=201, body={"amount": "6.49"})
    assert (refund.amount, refund.currency) == ("6.49", "GBP")
    seen = call("getBuyerReturn", as_buyer, id=requested.id)
    assert (seen.status, seen.refunded_total) == ("closed", "6.49")
