"""Registers the app's to-dos (``commerce.todos``) once the apps are loaded."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "returns"

    def ready(self) -> None:
        from datetime import datetime

        from django.urls import reverse
        from django.utils import timezone

        from commerce import todos

        from . import policy, selectors

        def returns_url(oldest: datetime | None) -> str:
            # Manage Returns shows the last 30 days unless told: start it at the oldest request.
            since = f"&since={timezone.localdate(oldest):%Y-%m-%d}" if oldest else ""
            return f"{reverse('returns:manage')}?status={selectors.AWAITING_AUTHORISATION}{since}"

        todos.register(
            todos.ToDoSource(
                key="returns",
                position=1,
                label="Returns awaiting authorisation",
                badge_label="awaiting authorisation",
                menu_url_name="returns:manage",
                rows=selectors.awaiting_authorisation,
                since_field="requested_at",
                deadline=policy.return_response_deadline,
                url=returns_url,
            )
        )
        todos.register(
            todos.ToDoSource(
                key="claims",
                position=3,
                label="A-to-z claims to answer",
                badge_label="to answer",
                menu_url_name="returns:claims",
                rows=selectors.claims_to_answer,
                since_field="filed_at",
                url=lambda oldest: f"{reverse('returns:claims')}?show=to_answer",
            )
        )
