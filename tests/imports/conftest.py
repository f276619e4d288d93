import pytest

from tests.reports import dataset


@pytest.fixture
def october(cached_build):
    """The reports' October 2022 world: a month of activities to export and re-import."""
    return cached_build("october", dataset.build)


@pytest.fixture
def cleanup_category(october):
    """The category of October's 环境整治一, by name, as a ledger row carries it."""
    return october.tasks["环境整治一"].category.name
