import pytest

from .routes import build_world


@pytest.fixture
def world(on_commit) -> dict:
    """Seller A with a buyer A and every kind of object (``routes.build_world``)."""
    return build_world()
