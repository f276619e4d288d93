"""Brackets, colons and commas belong to the language: the punctuation around a
translated word is inside its msgid, so English pages read 「Pending review (1)」 and
Chinese ones stay 「待审核（1）」 (and the stored or exported Chinese is unchanged)."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.residents.support import visit_task, world_resident
from tests.web.progress_setup import build_double
from tracker.charts import bar_chart, trend_chart
from tracker.extensions import db
from tracker.models import Finding

FULL_WIDTH = re.compile("[（）：，]")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def footer_name(html: str) -> str:
    footer = html.split('<footer class="footer">')[1]
    return re.search(r"<span>([^<]*)</span>", footer).group(1)


def chart_titles(html: str) -> list[str]:
    return re.findall(r"<g><title>([^<]*)</title>", html)


def handed_over(client) -> str:
    """The 移交给 line of a handed-over finding's page."""
    finding = db.session.scalar(select(Finding).where(Finding.handed_to.is_not(None))
                                .order_by(Finding.id).limit(1))
    html = page(client, f"/progress/findings/{finding.id}")
    return re.search(r"<dd>(市政所[^<]*)</dd>", html).group(1)


def pending(html: str) -> str:
    return re.search(r'data-figure="pending">([^<]*)<', html).group(1).strip()


def test_chinese_pages_keep_their_full_width_punctuation(client, login, world):
    build_double(world)  # one report 待审核 in the liaison's community
    login(world.liaison)
    home = page(client, "/manage/")
    assert {"待审核（1）", "已退回待修改（0）"} <= set(headings(home))
    assert footer_name(home) == f"{world.liaison.name}（社区联络员）"
    task = page(client, f"/manage/tasks/{world.past_task.id}")
    assert "参与党员（2）" in headings(task)
    view = page(client, f"/progress/community?community={world.community.id}")
    assert pending(view) == (
        "另有1份完成情况待审核（参与1人次，服务时长1.0小时，牛皮癣清除20处），未计入以上数据。")
    # The month of the pending report: its official 人次 and, in brackets, the pending.
    assert any(re.fullmatch(r"\d+月：\d+（\+1）", t) for t in chart_titles(view)), chart_titles(view)
    assert re.fullmatch(r"市政所（\d{4}-\d{2}-\d{2}）", handed_over(client))


def test_english_pages_use_ascii_punctuation(client, login, world):
    build_double(world)
    login(world.liaison)
    home = page(client, "/manage/?lang=en")
    assert {"Pending review (1)", "Returned, awaiting correction (0)"} <= set(headings(home))
    assert [h for h in headings(home) if FULL_WIDTH.search(h)] == []
    assert footer_name(home) == f"{world.liaison.name} (Community liaison)"
    task = page(client, f"/manage/tasks/{world.past_task.id}")
    assert "Party members taking part (2)" in headings(task)
    view = page(client, f"/progress/community?community={world.community.id}")
    # The category's name and unit are data (Chinese); the sentence's own words and
    # punctuation are English.
    assert pending(view) == ("1 more report is pending review (1 participation, "
                             "1.0 service hours, 牛皮癣清除 20处) and not counted above.")
    titles = chart_titles(view)
    assert titles and [t for t in titles if FULL_WIDTH.search(t)] == []
    # the months on the axis as English writes them (Nov), not "Month 11"
    assert any(re.fullmatch(r"[A-Z][a-z]{2}: \d+ \(\+1\)", t) for t in titles), titles
    assert re.fullmatch(r"市政所 \(\d{4}-\d{2}-\d{2}\)", handed_over(client))


def test_chart_tooltips_follow_the_language(app):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("en"):
        html = str(trend_chart([("Oct", 3)], title="t", pending=[2]) + bar_chart([("A", 5)], title="b"))
        assert chart_titles(html) == ["Oct: 3 (+2)", "A: 5"]
    with app.test_request_context("/"), force_locale("zh_CN"):
        html = str(trend_chart([("10月", 3)], title="t", pending=[2]) + bar_chart([("甲", 5)], title="b"))
        assert chart_titles(html) == ["10月：3（+2）", "甲：5"]


# A full-width bracket or colon touching an English word or a digit: punctuation
# written around a translated word instead of inside its msgid. (Chinese data next to
# it — a name, a unit — is not English and is not matched.)
MIXED = re.compile(r"[A-Za-z0-9][（）：]|[（：][A-Za-z0-9]")


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_no_english_page_puts_full_width_punctuation_around_english_words(
        client, login, world):
    """The pages a member, a liaison and an admin open every week, in English."""
    double = build_double(world)
    resident = world_resident(world)  # in the liaison's community
    visit = visit_task(world)
    pages = {
        world.leader: ["/tasks/todo", f"/tasks/{double.survey.id}",
                       f"/tasks/{double.pending.id}/report", "/needs/", "/auth/sessions"],
        world.liaison: ["/manage/", f"/manage/tasks/{double.pending.id}",
                        f"/onsite/tasks/{double.survey.id}/qr", "/backfill-requests/",
                        "/progress/findings",
                        # the residents and needs pages (review session 27, English UI #6)
                        f"/needs/new?community={world.community.id}",
                        f"/residents/new?community={world.community.id}",
                        f"/residents/{resident.id}", f"/residents/{resident.id}/edit",
                        f"/residents/task/{visit.id}"],
        world.admin: ["/outbox/", "/admin/"],
    }
    wrong = []
    for who, urls in pages.items():
        login(who)
        for url in urls:
            text = visible_text(page(client, f"{url}{'&' if '?' in url else '?'}lang=en"))
            wrong += [f"{url}: …{text[max(0, m.start() - 20):m.end() + 20].strip()}…"
                      for m in MIXED.finditer(text)]
    assert not wrong, "\n".join(wrong)


def test_the_trend_chart_axis_labels_never_touch(app):
    """Walk 5, D4: twelve months' labels at 12 units ran together (「10月11月12月」).
    Between two printed labels, each set at its font size (a Chinese character 1 em,
    a digit 0.6 em), there are at least 6 units (half a 12-unit character): 2 units,
    shrunk with the chart on a phone, read as 「10月11月12月」."""
    with app.test_request_context():
        svg = str(trend_chart([(f"{m}月", m) for m in range(1, 13)], title="t"))
    labels = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" '
                        r'font-size="([\d.]+)"[^>]*>(\d+月)</text>', svg)
    assert len(labels) >= 6, "at least every other month is named"
    for (x, size, text), (next_x, _s, _t) in zip(labels, labels[1:]):
        width = (len(text) - 1) * 0.6 * float(size) + float(size)
        assert width + 6 <= float(next_x) - float(x), (text, size)
    assert all(float(size) >= 9 for _x, size, _t in labels)
