"""WSGI entry point of the load test (the product's settings plus the bare view)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load.settings")
application = get_wsgi_application()
