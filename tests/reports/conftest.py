import pytest

from tests.reports import dataset


@pytest.fixture
def october(app, _databases, _cached_app):
    """The October 2022 dataset, committed (built once, then put back from a snapshot:
    see the ``world`` fixture)."""
    return _databases.built(_cached_app, "october", dataset.build)
