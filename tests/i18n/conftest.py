from pathlib import Path

import pytest
from django.utils import translation

from commerce.models import Marketplace

from . import pseudo


@pytest.fixture(scope="session")
def pseudo_catalogue(tmp_path_factory) -> Path:
    """The pseudo language's compiled catalogue, built once at the session's start."""
    directory = tmp_path_factory.mktemp("pseudo-locale")
    pseudo.write_catalogue(directory)
    return directory


@pytest.fixture
def pseudo_language(settings, pseudo_catalogue, db) -> str:
    """Every storefront speaks the pseudo language, and so does the product's default language
    (the seller's e-mails); the settings' change signal empties Django's translation caches."""
    settings.LANGUAGES = [*settings.LANGUAGES, (pseudo.PSEUDO, "Pseudo")]
    settings.LOCALE_PATHS = [pseudo_catalogue, *settings.LOCALE_PATHS]
    settings.LANGUAGE_CODE = pseudo.PSEUDO
    Marketplace.objects.update(language=pseudo.PSEUDO)
    yield pseudo.PSEUDO
    translation.deactivate()
