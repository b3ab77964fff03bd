"""Production settings (from the environment, as in deployment) with the bare baseline view."""

from sellercentral.settings import *  # noqa: F403

ROOT_URLCONF = "load.urls"
