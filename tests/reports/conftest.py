import pytest

from tests.reports import dataset


@pytest.fixture
def october(app):
    return dataset.build()
