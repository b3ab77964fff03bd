from django.http import HttpRequest


def current_parties(request: HttpRequest) -> dict:
    """``seller`` / ``customer`` set by the access decorators, for the page shells."""
    return {
        "seller": getattr(request, "seller", None),
        "customer": getattr(request, "customer", None),
    }
