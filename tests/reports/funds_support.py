"""Set-up and readings shared by the funds report tests (test_funds_ledgers.py,
test_funds_overspent.py), on the October 2022 dataset (tests/reports/dataset.py)."""
from __future__ import annotations

import re

from tests import factories as f
from tracker.extensions import db
from tracker.models import FundEntry, TargetMeasure


def budget_in_jianshe(october) -> None:
    """县商务局's 2022 budget of 5,000.00 in 建设路社区: a ledger of its own beside
    解放路社区's 10,000.00."""
    f.item(october.unit, october.jianshe, "cobuild_funding", year=2022, target=500_000,
           measure=TargetMeasure.money)
    db.session.commit()


def spend(october, community, day, fen, unit=None) -> None:
    """A funds entry of ``fen`` on ``day``, of 县商务局 unless ``unit`` is given."""
    db.session.add(FundEntry(unit_id=(unit or october.unit).id, community_id=community.id,
                             entry_date=day, amount_fen=fen, purpose="支出",
                             created_by_id=october.liaison.id))
    db.session.commit()


def funds_list_total(client, year: int = 2022) -> list[str]:
    """The cells of the 经费台账 list's 合计 row, as the page shows them."""
    html = client.get(f"/funds/?year={year}").get_data(as_text=True)
    total = re.search(r'data-figure="funds_total">(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", total, re.S)]
