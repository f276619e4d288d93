"""review42b #3: in a signed month the 组长's 服务对象 page says only what is true there —
only an admin changes them (the refusal's words) — not that a save keeps the liaison's
picks nor to ask the liaison, whom ``set_task_residents`` refuses the same change."""
import re

from tests.residents.test_resident_kind_signed import _two_visits


def test_the_leaders_page_in_a_signed_month_does_not_say_ask_the_liaison(client, login, world):
    _elder, first = _two_visits(world)  # approved visits naming 赵奶奶 (the liaison's pick), month 已定稿
    login(world.leader)
    response = client.get(f"/residents/task/{first.id}")
    page = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    assert response.status_code == 200, response.status_code
    assert "须由单位管理员操作" in page  # the page says only an admin may change them
    # ... and, just above, that a save keeps the liaison's picks and to ask the liaison
    assert "保存时会保留，如需修改请联系联络员" not in page, page[page.find("联络员还填写了"):][:200]
    assert "请联络员填写" not in page and "赵奶奶" in page  # named, in the list of those served


def test_the_leaders_page_of_an_open_month_still_says_it(client, login, world):
    """Where a save is offered, the liaison's picks are still said to stay."""
    _elder, first = _two_visits(world, signed=False)
    login(world.leader)
    page = re.sub(r"<[^>]+>", "", client.get(f"/residents/task/{first.id}").get_data(as_text=True))
    assert "保存时会保留，如需修改请联系联络员" in page
