"""Every API answer the test suite produces, checked against the schema the site serves.

Django's test client (and DRF's ``APIClient``, built on it) is wrapped for the whole session:
each answer under ``/api/`` is matched to its operation, and must have a declared status, a
declared content type and a JSON body valid against the declared schema, strictly: every
object the schema declares is closed (``additionalProperties: false`` unless it says
otherwise), so a key the schema does not name fails the test that got it. An answer from an
address no operation serves (a 404 or 405) must be the error envelope.

At the end of a run of the whole suite, every operation must have been called at least once,
unless ``UNCALLED`` says why not. The failure names the operation, the status and the JSON
path: ``POST /api/v1/buyer/orders/{order_id}/returns/ (requestReturn) → 201: $.items[0].reason``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema_rs
import pytest
from django.test.client import Client

SCHEMA_URL = "/api/schema/"
NOT_CHECKED = ("/api/schema/", "/api/docs/")
# DRF's OPTIONS metadata and HEAD are answered by every view but are not operations.
UNCHECKED_METHODS = {"HEAD", "OPTIONS"}
# Operations the suite may leave uncalled, each with its reason. Empty: the suite calls all.
UNCALLED: dict[str, str] = {}


class ResponseDoesNotConform(AssertionError):
    """An API answer the schema does not describe."""


def closed(schema):
    """The schema with every declared object closed to undeclared keys."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: closed(value) for key, value in schema.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


def json_path(parts) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


@dataclass
class Operation:
    method: str
    path: str
    pattern: re.Pattern
    spec: dict

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path} ({self.spec.get('operationId', '?')})"


@dataclass
class Conformance:
    schema: dict | None = None
    operations: list[Operation] = field(default_factory=list)
    validators: dict = field(default_factory=dict)
    called: set[str] = field(default_factory=set)
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    def load(self, request) -> None:
        response = request(Client(), PATH_INFO=SCHEMA_URL, REQUEST_METHOD="GET", QUERY_STRING="format=json")
        assert response.status_code == 200, response.content[:500]
        self.schema = json.loads(response.content)
        self.components = closed(self.schema["components"])
        for path, methods in self.schema["paths"].items():
            parts = re.split(r"\{[^/}]+\}", path)
            pattern = re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")
            for method, spec in methods.items():
                self.operations.append(Operation(method, path, pattern, spec))

    def validator(self, key, schema: dict):
        if key not in self.validators:
            self.validators[key] = jsonschema_rs.Draft202012Validator(
                {**closed(schema), "components": self.components}, validate_formats=True
            )
        return self.validators[key]

    def operation(self, method: str, path: str) -> Operation | None:
        for operation in self.operations:
            if operation.method == method.lower() and operation.pattern.match(path):
                return operation
        return None

    def check(self, request, environ: dict, response) -> None:
        path, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD", "GET")
        if not path.startswith("/api/") or path.startswith(NOT_CHECKED) or method in UNCHECKED_METHODS:
            return
        renderer = getattr(response, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "api":
            return  # DRF's browsable API (DEBUG only): a page for developers, not the contract
        if self.schema is None:
            self.load(request)
        operation = self.operation(method, path)
        status = str(response.status_code)
        if operation is None:
            # No operation here: whatever answers (404, 405) is an error in the envelope.
            where = f"{method} {path} (no operation) → {status}"
            body = self.json_body(where, response, {"application/json": {}})
            envelope = {"$ref": "#/components/schemas/ErrorList"}
            self.validate(where, ("none", status), envelope, body)
            return
        self.called.add(f"{operation.method.upper()} {operation.path}")
        where = f"{operation.name} → {status}"
        declared = operation.spec["responses"].get(status)
        if declared is None:
            self.fail(f"{where}: status not declared (declared: {', '.join(operation.spec['responses'])})")
        content = declared.get("content", {})
        if not content:
            if getattr(response, "streaming", False) or response.content:
                self.fail(f"{where}: a body where none is declared")
            return
        body = self.json_body(where, response, content)
        media = response.get("Content-Type", "").split(";")[0].strip()
        if body is not None:
            self.validate(where, (operation.name, status, media), content[media].get("schema", {}), body)

    def json_body(self, where: str, response, content: dict):
        media = response.get("Content-Type", "").split(";")[0].strip()
        if media not in content:
            self.fail(f"{where}: content type {media!r} not declared (declared: {', '.join(content)})")
        if media != "application/json":
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            self.fail(f"{where}: the body is not JSON")

    def validate(self, where: str, key, schema: dict, body) -> None:
        self.checked += 1
        errors = list(self.validator(key, schema).iter_errors(body))
        if errors:
            self.fail(
                f"{where}: " + "; ".join(f"{json_path(e.instance_path)}: {e.message}" for e in errors[:5])
            )

    def fail(self, message: str):
        self.failures.append(message)
        raise ResponseDoesNotConform(message)

    def uncalled(self) -> list[str]:
        every = {f"{operation.method.upper()} {operation.path}" for operation in self.operations}
        return sorted(every - self.called - set(UNCALLED))


conformance = Conformance()


@pytest.fixture(autouse=True, scope="session")
def _api_answers_conform_to_the_schema():
    """Wrap the test client's ``request`` for the session (see the module's docstring)."""
    original = Client.request

    def request(self, **environ):
        response = original(self, **environ)
        conformance.check(original, environ, response)
        return response

    Client.request = request
    yield conformance
    Client.request = original


def ran_whole_suite(session) -> bool:
    """The whole suite ran, and passed: only then does an uncalled operation mean something."""
    config = session.config
    tests = Path(config.rootpath, "tests").resolve()
    arguments = {Path(config.rootpath, arg.split("::")[0]).resolve() for arg in config.args}
    return (
        arguments <= {tests, Path(config.rootpath).resolve()}
        and not config.getoption("keyword")
        and not session.testsfailed
        and not session.shouldstop
        and conformance.schema is not None
    )


def report(session, terminalreporter) -> None:
    """The terminal's summary line; at the end of the whole suite, a failing run if an
    operation was never called."""
    if conformance.schema is None:
        return
    terminalreporter.write_line(
        f"api conformance: {conformance.checked} answers checked, "
        f"{len(conformance.called)} of {len(conformance.operations)} operations called"
    )
    if ran_whole_suite(session) and conformance.uncalled():
        terminalreporter.write_line(
            "api conformance: operations the suite never calls (call them, or say why in "
            "tests/api_conformance.UNCALLED): " + ", ".join(conformance.uncalled()),
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
