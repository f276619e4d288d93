"""The garbage collector in the test processes (tests/conftest.py, docs/testing.md session 57):
it runs less often than Python's default, and the run's end walks nothing it keeps."""
import gc

from tests import conftest


def test_ten_thousand_new_objects_start_no_collection():
    """Python's default collects the young generation after every 700 allocations: the
    10,000 containers below would start about fourteen collections. A test process
    collects no more often than every 50,000."""
    gc.collect(0)  # the young generation's count back to nothing
    before = gc.get_stats()[0]["collections"]
    kept = [[] for _ in range(10_000)]
    assert gc.get_stats()[0]["collections"] == before
    assert len(kept) == 10_000


def test_at_the_runs_end_nothing_alive_is_left_for_the_collector_to_walk():
    """What pytest's clean-up collects five times over at the end (pytest.ini ignores what
    it would report) is out of the collector's sight once the run is unconfigured."""
    gc.collect()  # as the worker's own freezes do: no garbage kept with the rest
    conftest.pytest_unconfigure(None)
    assert len(gc.get_objects()) < 100
