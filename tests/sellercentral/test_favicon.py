"""/favicon.ico, which browsers and tools ask for whatever the pages link: the site's icon."""

from django.conf import settings
from django.test import Client


def test_favicon_ico_redirects_to_the_static_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert (settings.BASE_DIR / "static" / "img" / "favicon.svg").exists()
