"""Registers the app's to-dos (``commerce.todos``) once the apps are loaded."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "returns"

    def ready(self) -> None:
        from django.urls import reverse

        from commerce import todos

        from . import policy, selectors

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
                url=todos.list_from_oldest("returns:manage", f"status={selectors.AWAITING_AUTHORISATION}"),
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
