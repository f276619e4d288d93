"""Fixtures shared by the page tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def admin(world, login):
    """The world's admin, signed in."""
    login(world.admin)
    return world.admin
