import pytest

from tests.reports import dataset


@pytest.fixture
def october(cached_build):
    """The October 2022 dataset, committed (built once, then put back from a snapshot:
    see ``cached_build`` in tests/conftest.py)."""
    return cached_build("october", dataset.build)
