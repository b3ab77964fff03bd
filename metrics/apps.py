"""Registers the app's to-dos (``commerce.todos``) once the apps are loaded."""

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "metrics"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from commerce import generations, todos

        from . import policy, selectors
        from .models import OrderFeedback

        generations.track(OrderFeedback, "metrics")  # the feedback to-do counts these

        todos.register(
            todos.ToDoSource(
                key="feedback",
                position=4,
                label=_("Negative feedback to contact"),
                badge_label=_("to contact"),
                menu_url_name="metrics:feedback",
                rows=selectors.feedback_to_contact,
                since_field="left_at",
                scope="metrics",
                ages_out=policy.feedback_contactable_until,
                url=lambda oldest: f"{reverse('metrics:feedback')}?show=to_contact",
            )
        )
