from django.apps import AppConfig


class SellerCentralConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sellercentral"

    def ready(self) -> None:
        from . import tokens  # noqa: F401 (connects the sign-out receiver that revokes API tokens)
