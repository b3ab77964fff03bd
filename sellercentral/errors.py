"""Errors every app's services raise, mapped once for pages and the API.

A service refuses bad input with Django's ``ValidationError`` (field by field) and a state
change the current state does not allow with ``TransitionRefused``; nothing is written in
either case. ``sellercentral.api.exception_handler`` turns them into 400 and 409, and
``commerce.forms.add_service_errors`` puts the first onto a page's form.
"""


class TransitionRefused(Exception):
    """The action is not allowed in the object's current state; nothing changed."""
