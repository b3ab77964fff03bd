"""Registers the app's to-dos (``commerce.todos``) once the apps are loaded, and keeps Contact
Response Time's roll-up in step with messaging (``messaging.signals``)."""

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "metrics"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from commerce import generations, todos
        from messaging.signals import response_outcome_changed

        from . import policy, selectors, services
        from .models import OrderFeedback

        def recount(sender, *, seller_id: int, sent_ats: list, **kwargs) -> None:
            services.recount_response_hours(seller_id=seller_id, sent_ats=sent_ats)

        response_outcome_changed.connect(recount, weak=False, dispatch_uid="metrics.recount_response_hours")
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
