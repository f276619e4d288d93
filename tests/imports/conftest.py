import pytest

from tests.reports import dataset


@pytest.fixture
def october(cached_build):
    """The reports' October 2022 world: a month of activities to export and re-import."""
    return cached_build("october", dataset.build)
