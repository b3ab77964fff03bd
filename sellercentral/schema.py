"""The OpenAPI schema as a contract a generated client can rely on: every operation's name and
area, the one error envelope on every error status, and every field of an answer required.

drf-spectacular writes the schema from the views and serializers; ``contract`` (a
postprocessing hook, ``SPECTACULAR_SETTINGS``) finishes it. An operation missing from
``OPERATIONS`` stops the schema from being built, so a new endpoint cannot ship unnamed.
"""

from __future__ import annotations

# (path, method) → (operationId, tag): the names generated clients give their functions, so
# they never change once published (SP-API's own style: a verb, then the object).
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("/api/v1/auth/token/", "post"): ("createToken", "auth"),
    ("/api/v1/auth/token/", "delete"): ("revokeToken", "auth"),
    ("/api/v1/return-reasons/", "get"): ("listReturnReasons", "reference"),
    ("/api/v1/deny-reasons/", "get"): ("listDenyReasons", "reference"),
    ("/api/v1/buyer/orders/", "get"): ("listBuyerOrders", "buyer orders"),
    ("/api/v1/buyer/orders/{order_id}/messages/", "post"): ("contactSeller", "messages"),
    ("/api/v1/buyer/orders/{order_id}/returns/", "post"): ("requestReturn", "returns"),
    ("/api/v1/buyer/orders/{order_id}/claims/", "post"): ("fileClaim", "claims"),
    ("/api/v1/buyer/returns/", "get"): ("listBuyerReturns", "returns"),
    ("/api/v1/buyer/returns/{id}/", "get"): ("getBuyerReturn", "returns"),
    ("/api/v1/buyer/returns/{id}/cancel/", "post"): ("cancelReturn", "returns"),
    ("/api/v1/buyer/returns/{id}/label/", "get"): ("getReturnLabel", "returns"),
    ("/api/v1/seller/messages/", "get"): ("listSellerMessages", "messages"),
    ("/api/v1/seller/messages/{id}/no-response-needed/", "post"): ("markNoResponseNeeded", "messages"),
    ("/api/v1/seller/threads/{id}/", "get"): ("getSellerThread", "messages"),
    ("/api/v1/seller/threads/{id}/reply/", "post"): ("replyToThread", "messages"),
    ("/api/v1/seller/orders/{order_id}/contact-buyer/", "get"): ("listContactBuyerReasons", "messages"),
    ("/api/v1/seller/orders/{order_id}/contact-buyer/", "post"): ("contactBuyer", "messages"),
    ("/api/v1/seller/message-templates/", "get"): ("listReplyTemplates", "reply templates"),
    ("/api/v1/seller/message-templates/", "post"): ("createReplyTemplate", "reply templates"),
    ("/api/v1/seller/message-templates/{id}/", "get"): ("getReplyTemplate", "reply templates"),
    ("/api/v1/seller/message-templates/{id}/", "put"): ("replaceReplyTemplate", "reply templates"),
    ("/api/v1/seller/message-templates/{id}/", "patch"): ("updateReplyTemplate", "reply templates"),
    ("/api/v1/seller/message-templates/{id}/", "delete"): ("deleteReplyTemplate", "reply templates"),
    ("/api/v1/seller/returns/", "get"): ("listSellerReturns", "returns"),
    ("/api/v1/seller/returns/{id}/", "get"): ("getSellerReturn", "returns"),
    ("/api/v1/seller/returns/{id}/authorise/", "post"): ("authoriseReturn", "returns"),
    ("/api/v1/seller/returns/{id}/deny/", "post"): ("denyReturn", "returns"),
    ("/api/v1/seller/returns/{id}/refund/", "post"): ("refundReturn", "returns"),
    ("/api/v1/seller/return-addresses/", "get"): ("getReturnAddresses", "return settings"),
    ("/api/v1/seller/return-addresses/", "put"): ("replaceReturnAddresses", "return settings"),
    ("/api/v1/seller/return-settings/", "get"): ("getReturnSettings", "return settings"),
    ("/api/v1/seller/return-settings/", "put"): ("replaceReturnSettings", "return settings"),
    ("/api/v1/seller/claims/", "get"): ("listSellerClaims", "claims"),
    ("/api/v1/seller/metrics/contact-response-time/", "get"): ("getContactResponseTime", "metrics"),
    ("/api/v1/seller/metrics/return-dissatisfaction-rate/", "get"): (
        "getReturnDissatisfactionRate",
        "metrics",
    ),
    ("/api/v1/seller/metrics/order-defect-rate/", "get"): ("getOrderDefectRate", "metrics"),
    ("/api/v1/inbound-email/", "post"): ("receiveInboundEmail", "mail gateway"),
    ("/api/v1/me/", "get"): ("getMe", "auth"),
    ("/api/v1/seller/orders/", "get"): ("listSellerOrders", "seller orders"),
    ("/api/v1/seller/orders/{order_id}/", "get"): ("getSellerOrder", "seller orders"),
    ("/api/v1/seller/webhooks/", "get"): ("listWebhookSubscriptions", "webhooks"),
    ("/api/v1/seller/webhooks/", "post"): ("createWebhookSubscription", "webhooks"),
    ("/api/v1/seller/webhooks/{id}/", "get"): ("getWebhookSubscription", "webhooks"),
    ("/api/v1/seller/webhooks/{id}/", "patch"): ("updateWebhookSubscription", "webhooks"),
    ("/api/v1/seller/webhooks/{id}/", "delete"): ("deleteWebhookSubscription", "webhooks"),
    ("/api/v1/seller/webhooks/{id}/deliveries/", "get"): ("listWebhookDeliveries", "webhooks"),
    ("/api/v1/seller/webhooks/{id}/test/", "post"): ("sendWebhookTestEvent", "webhooks"),
    ("/api/v1/seller/events/", "get"): ("listEvents", "webhooks"),
}

TAGS = [
    {"name": "auth", "description": "Sign in for an API token, revoke it, and who it is."},
    {"name": "reference", "description": "The fixed lists: return and deny reasons."},
    {"name": "buyer orders", "description": "A buyer's orders and what can still be returned."},
    {"name": "seller orders", "description": "A seller's orders, the buyer by name and masked address."},
    {"name": "messages", "description": "Buyer-Seller Messaging: contact, threads, replies."},
    {"name": "reply templates", "description": "The seller's saved replies."},
    {"name": "returns", "description": "The Online Returns Centre: requests and the seller's decisions."},
    {"name": "return settings", "description": "Return addresses and Returns Settings."},
    {"name": "claims", "description": "A-to-z Guarantee claims."},
    {"name": "metrics", "description": "Account Health figures."},
    {"name": "webhooks", "description": "Events for integrators: signed webhooks and the events feed."},
    {"name": "mail gateway", "description": "The inbound e-mail webhook of the mail provider."},
]

ERROR_ENVELOPE = "ErrorList"
# Statuses every operation may answer with the envelope: bad input, no or a dead token, not
# allowed, not found (or not yours), a refused state change, too many writes, our own failure.
EVERY_OPERATION_ERRORS = {
    "400": "Invalid input: each message in `errors`, its `field` dotted (`items.0.quantity`)",
    "401": "No credentials, or a token that no longer works",
    "403": "Not allowed for this user",
    "404": "Not found, or not yours",
    "409": "The object's current state does not allow this",
    "429": "Too many requests: wait `Retry-After` seconds",
    "500": "Something went wrong on our side",
}
# With a request body, a body that is not JSON (or not one of the declared types).
BODY_ERRORS = {"415": "The request body is not of a declared content type"}

ENVELOPE_COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "One error: a stable `code`, a message for people, and the field it is about.",
        "properties": {
            "code": {"type": "string", "description": "Stable, for programs: `required`, `not_found` …"},
            "message": {"type": "string", "description": "In the caller's language (Accept-Language)."},
            "field": {
                "type": "string",
                "description": "The field, dotted through lists and objects (`items.0.quantity`); "
                "absent when the error is not about one field.",
            },
        },
        "required": ["code", "message"],
        "additionalProperties": False,
    },
    ERROR_ENVELOPE: {
        "type": "object",
        "description": "Every error the API answers. Kept from the first version beside `errors`: "
        "`detail`, the messages that name no field, and on a 400 each field's messages under its "
        "dotted name (`amount`, `items.0.quantity`).",
        "properties": {
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
            "detail": {
                "type": "string",
                "description": "Kept for compatibility: the messages naming no field.",
            },
        },
        "required": ["errors"],
        "additionalProperties": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Kept for compatibility: a field's messages, under its dotted name.",
        },
    },
}

TOKEN_SCHEME_DESCRIPTION = (
    'Knox token, with the required prefix "Token": `Authorization: Token <token>`, the token from '  # noqa: S105
    "`createToken` (`POST /api/v1/auth/token/`)."
)


def _without_nullable(schema):
    """OpenAPI 3.0's ``nullable`` (still written by DRF's pagination schema) as 3.1 says it."""
    if isinstance(schema, list):
        return [_without_nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _without_nullable(value) for key, value in schema.items()}
    if schema.pop("nullable", False):
        if isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
        elif "type" not in schema:
            return {"oneOf": [schema, {"type": "null"}]}
    return schema


class UnnamedOperation(Exception):
    """An endpoint the contract does not name yet: add it to ``OPERATIONS``."""


def contract(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular's postprocessing hook: names, the error envelope, required fields."""
    result["tags"] = TAGS
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(ENVELOPE_COMPONENTS)
    envelope = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_ENVELOPE}"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            try:
                operation["operationId"], tag = OPERATIONS[(path, method)]
            except KeyError:
                raise UnnamedOperation(f"{method.upper()} {path}: name it in sellercentral.schema") from None
            operation["tags"] = [tag]
            body = operation.get("requestBody", {})
            if len(body.get("content", {})) > 1:
                # The body's own fields say what is required. Marked optional because
                # openapi-python-client 0.29 writes `| Unset` for a required body of two
                # content types without importing Unset (its modules then fail to import).
                body["required"] = False
            responses = operation["responses"]
            errors = {**EVERY_OPERATION_ERRORS, **(BODY_ERRORS if "requestBody" in operation else {})}
            for code, description in errors.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    response["content"] = envelope
    for name, schema in schemas.items():
        # What the API answers always carries every field it declares (null where allowed);
        # what it reads keeps the serializer's own required fields.
        if "properties" in schema and not name.endswith("Request") and name not in ENVELOPE_COMPONENTS:
            schema["required"] = list(schema["properties"])
    scheme = components.get("securitySchemes", {}).get("knoxApiToken")
    if scheme is not None:
        scheme["description"] = TOKEN_SCHEME_DESCRIPTION
    return _without_nullable(result)
