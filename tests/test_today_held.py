"""``today_held``: a test module's ``TODAY``, read when it was collected, stays the
application's today when the run crosses midnight in Asia/Shanghai (the flake of
test_progress_forms, test_rollups_property and their like, session 40)."""
from __future__ import annotations

from datetime import date, time

import pytest

from tracker import timeutil

# As if collected on a day that has since ended: not today, whenever the suite runs.
TODAY = date(2026, 3, 1)
pytestmark = pytest.mark.usefixtures("today_held")


def test_a_module_s_today_stays_the_application_s_today_after_midnight():
    assert timeutil.local_today() == TODAY
    # the last minute the module's days were right, not some hour of the next day
    assert timeutil.to_local(timeutil.utcnow()).time() == time(23, 59)
