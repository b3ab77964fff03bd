"""The schema's word for the headers every API answer carries (``sellercentral.middleware``)
and for idempotent writes (``sellercentral.idempotency``): declared once, on every operation."""

from __future__ import annotations

WRITES = {"post", "put", "patch", "delete"}

HEADERS = {
    "X-Request-Id": {
        "description": "The request's id: the client's own X-Request-Id when it sent a safe one "
        "(1-128 of A-Z a-z 0-9 . _ : @ -), else a new one. Quote it when asking for support.",
        "schema": {"type": "string"},
    },
    "X-RateLimit-Limit": {
        "description": "Requests allowed in the current window of the tightest rate this request counted against.",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in that window (0 once refused with 429).",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Reset": {
        "description": "When that window ends, as Unix time in seconds.",
        "schema": {"type": "integer"},
    },
}
REPLAYED = {
    "description": "Present (true) when this answer is the stored answer of an earlier request "
    "with the same Idempotency-Key, replayed without acting again.",
    "schema": {"type": "boolean"},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any 1-255 printable ASCII characters (a UUID, say), per user, kept 24 hours: the same "
    "key with the same method, path and body replays the first answer; with anything else it is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
REQUEST_ID = {
    "name": "X-Request-Id",
    "in": "header",
    "required": False,
    "description": "Your own id for this request, echoed in the answer's X-Request-Id.",
    "schema": {"type": "string", "maxLength": 128},
}


def declare_headers(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: the headers on every answer of every operation."""
    components = result.setdefault("components", {})
    components.setdefault("headers", {}).update({**HEADERS, "Idempotent-Replayed": REPLAYED})
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in WRITES | {"get", "head", "options"}:
                continue
            # A view's own Idempotency-Key gives way to the shared declaration.
            parameters = [p for p in operation.get("parameters", []) if p.get("name") != "Idempotency-Key"]
            if method in WRITES:
                parameters.append(dict(IDEMPOTENCY_KEY))
            operation["parameters"] = [*parameters, dict(REQUEST_ID)]
            if method in WRITES:
                operation["responses"].setdefault(
                    "422",
                    {
                        "description": "This Idempotency-Key was used for a different request",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorList"}}
                        },
                    },
                )
            for answer in operation.get("responses", {}).values():
                if "$ref" in answer:
                    continue
                declared = answer.setdefault("headers", {})
                declared.update({name: {"$ref": f"#/components/headers/{name}"} for name in HEADERS})
                if method in WRITES:
                    declared["Idempotent-Replayed"] = {"$ref": "#/components/headers/Idempotent-Replayed"}
    return result
