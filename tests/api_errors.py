"""Reading the API's error envelope in tests (docs/api.md, "Errors")."""

from __future__ import annotations


def fields_in_error(response) -> set[str]:
    """The fields a 400 names, from its ``errors``; the first version's keys beside them (each
    field's messages under its dotted name) must name the same fields."""
    body = response.json()
    named = {error["field"] for error in body["errors"] if "field" in error}
    assert set(body) - {"errors", "detail", "non_field_errors"} == named, body
    return named
