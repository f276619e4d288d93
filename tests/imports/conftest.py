import pytest



@pytest.fixture
def cleanup_category(october):
    """The category of October's 环境整治一, by name, as a ledger row carries it."""
    return october.tasks["环境整治一"].category.name
