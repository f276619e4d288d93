"""The 年度总结's 资源清单 sentence says whose target each clause is (figures43 #2).

「各类别完成情况：…」 gives a clause per category and measure with work done against its
target. When a category has targets in more than one measure — 电子商务培训 4场 in one
zone, 60人次 in another — each clause counts only the work on its own items, and
「电子商务培训目标4场、完成1场」 alone reads as the category's year against section 一's
3场. Such clauses name whose target they are, as 附表“资源清单完成情况” names the items
(one rule, ``AnnualSummary.item_place``): in a unit's document the community and zone
(the community, for an item without one), in a community's the unit — two zones of one
name in two communities read apart there as in the 附表 (review44 #3). So does a clause beside
work on an item of the same category in another measure with no target (review43b #2):
its work too is section 一's and not the clause's. A category whose work is all in its
target's measure reads as before.
"""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Role, TargetMeasure
from tracker.reports.annual import build_annual

YEAR = 2024  # over: the sentence has no 时序进度


def _world():
    """县商务局 and 县财政局, 东门社区 (zones 东门一区, 东门二区) and 西门社区 (西门一区),
    with figures43's checklist and work, cut to what the sentence reads."""
    commerce, finance = f.unit("县商务局"), f.unit("县财政局")
    dongmen, ximen = f.community("东门社区"), f.community("西门社区")
    east1 = f.zone(dongmen, "东门一区", commerce)
    east2 = f.zone(dongmen, "东门二区", finance)
    west1 = f.zone(ximen, "西门一区", commerce)
    admin = f.member(commerce, Role.admin, name="张一")
    other = f.member(finance, name="钱五")

    def item(unit, community, code, zone, target, measure):
        return f.item(unit, community, code, year=YEAR, target=target, zone=zone,
                      measure=measure)

    def done(it, day, who, *, quantity=0, served=0):
        task = b.task_on(it, admin, day)
        b.join(task, who)
        b.report(task, who, quantity=quantity, people=served)

    # 县商务局: 电子商务培训 4场 in 东门一区, 60人次 in 西门一区; 牛皮癣清除 30处 (one target)
    by_sessions = item(commerce, dongmen, "ecommerce_training", east1, 4,
                       TargetMeasure.activities)
    by_people = item(commerce, ximen, "ecommerce_training", west1, 60,
                     TargetMeasure.beneficiaries)
    ads = item(commerce, dongmen, "ad_removal", east1, 30, TargetMeasure.quantity)
    done(by_sessions, date(YEAR, 3, 10), admin, served=25)
    done(by_people, date(YEAR, 11, 12), admin, served=30)
    done(by_people, date(YEAR, 12, 1), admin, served=20)
    done(ads, date(YEAR, 9, 5), admin, quantity=12)
    # 东门社区's 困难群众结对帮扶: 县商务局 20户次 in 东门一区, 县财政局 4次 in 东门二区
    households = item(commerce, dongmen, "household_assistance", east1, 20,
                      TargetMeasure.beneficiaries)
    visits = item(finance, dongmen, "household_assistance", east2, 4,
                  TargetMeasure.activities)
    done(households, date(YEAR, 5, 15), admin, served=3)
    done(households, date(YEAR, 8, 20), admin, served=3)
    done(visits, date(YEAR, 10, 22), other, served=2)
    db.session.commit()
    return commerce, dongmen, admin


def _checklist_section(document) -> str:
    return next(p.text for p in document.paragraphs if p.heading.endswith("资源清单完成情况。"))


def test_a_units_clauses_of_one_category_name_their_zones(app):
    """县商务局's year: 一 says 3场 of 电子商务培训; the sentence's two 电子商务培训
    clauses say 东门社区·东门一区's 4场 and 西门社区·西门一区's 60人次, so 「完成1场」 is
    东门一区's, each named as the 附表's row;
    牛皮癣清除, one target, reads as before."""
    commerce, _dongmen, _admin = _world()
    document = build_annual(YEAR, unit=commerce)
    assert "开展电子商务培训3场" in document.paragraphs[1].text
    assert ("各类别完成情况：东门社区·东门一区电子商务培训目标4场、完成1场（25.0%），"
            "西门社区·西门一区电子商务培训目标60人次、完成50人次（83.3%），"
            ) in _checklist_section(document)
    rows = [r[0] for r in next(t for t in document.tables() if t.key == "checklist").rows]
    assert {"东门社区·东门一区", "西门社区·西门一区"} <= set(rows)
    assert "，牛皮癣清除目标30处、完成12处（40.0%）" in _checklist_section(document)


def test_a_communitys_clauses_of_one_category_name_their_units(app):
    """东门社区's year: its two 困难群众结对帮扶 targets are two units' — 县财政局's 4次
    in 东门二区 and 县商务局's 20户次 in 东门一区 — and each clause says whose, by its
    unit with the item's zone, as the 附表's rows name them (doc44 #1); its one 电子商务培训
    target (县商务局's 4场) reads as before."""
    _commerce, dongmen, _admin = _world()
    document = build_annual(YEAR, community=dongmen)
    text = _checklist_section(document)
    assert "电子商务培训目标4场、完成1场（25.0%）" in text
    assert "县商务局（东门一区）电子商务培训" not in text
    assert "县财政局（东门二区）困难群众结对帮扶目标4次、完成1次（25.0%）" in text
    assert "县商务局（东门一区）困难群众结对帮扶目标20户次、完成6户次（30.0%）" in text
    rows = [r[0] for r in next(t for t in document.tables() if t.key == "checklist").rows]
    assert {"县财政局（东门二区）", "县商务局（东门一区）"} <= set(rows)


def test_the_named_clauses_are_chinese_on_an_english_page(client, login, app):
    """The document is Chinese whoever reads it (it is handed in): an admin reading the
    site in English sees the named clauses as the office files them."""
    from tests.reports.test_document_language import english

    commerce, _dongmen, admin = _world()
    login(admin)
    english(client)
    page = client.get(f"/reports/annual?unit={commerce.id}&year={YEAR}").get_data(as_text=True)
    assert "Annual summary" in page  # the page around the document is English
    assert "东门社区·东门一区电子商务培训目标4场、完成1场（25.0%）" in page


def test_a_clause_beside_untargeted_work_of_its_category_names_whose_it_is(app):
    """县商务局's 电子商务培训 has one target, 4场 in 东门一区, and work on an item of
    西门一区 with no target, counted in 人次: 一 says 3场, the clause counts 东门一区's
    1场 only and says so (review43b #2). An item of another measure with neither target
    nor work leaves the clause bare (牛皮癣清除)."""
    commerce = f.unit("县商务局")
    dongmen, ximen = f.community("东门社区"), f.community("西门社区")
    east1 = f.zone(dongmen, "东门一区", commerce)
    west1 = f.zone(ximen, "西门一区", commerce)
    admin = f.member(commerce, Role.admin, name="张一")
    by_sessions = f.item(commerce, dongmen, "ecommerce_training", year=YEAR, target=4,
                         zone=east1, measure=TargetMeasure.activities)
    untargeted = f.item(commerce, ximen, "ecommerce_training", year=YEAR, target=0,
                        zone=west1, measure=TargetMeasure.beneficiaries)
    ads = f.item(commerce, dongmen, "ad_removal", year=YEAR, target=30, zone=east1,
                 measure=TargetMeasure.quantity)
    f.item(commerce, ximen, "ad_removal", year=YEAR, target=0, zone=west1,
           measure=TargetMeasure.activities)  # no target, no work
    for it, day, served, quantity in ((by_sessions, date(YEAR, 3, 10), 25, 0),
                                      (untargeted, date(YEAR, 11, 12), 30, 0),
                                      (untargeted, date(YEAR, 12, 1), 20, 0),
                                      (ads, date(YEAR, 9, 5), 0, 12)):
        task = b.task_on(it, admin, day)
        b.join(task, admin)
        b.report(task, admin, quantity=quantity, people=served)
    db.session.commit()
    document = build_annual(YEAR, unit=commerce)
    assert "开展电子商务培训3场" in document.paragraphs[1].text
    text = _checklist_section(document)
    assert "各类别完成情况：东门社区·东门一区电子商务培训目标4场、完成1场（25.0%）" in text, text
    assert "，牛皮癣清除目标30处、完成12处（40.0%）" in text, text


def test_two_zones_of_one_name_are_told_apart_in_the_checklist_sentence(app):
    """Two zones called 一区, of 东门社区 and of 西门社区 (a zone's name is unique in its
    community only): the 附表 says 东门社区·一区 and 西门社区·一区, and so do the clauses
    — not 「一区…目标4场…，一区…目标60人次」, one label for two zones (review44 #3)."""
    commerce = f.unit("县商务局")
    dongmen, ximen = f.community("东门社区"), f.community("西门社区")
    east1 = f.zone(dongmen, "一区", commerce)
    west1 = f.zone(ximen, "一区", commerce)
    admin = f.member(commerce, Role.admin, name="张一")
    by_sessions = f.item(commerce, dongmen, "ecommerce_training", year=YEAR, target=4,
                         zone=east1, measure=TargetMeasure.activities)
    by_people = f.item(commerce, ximen, "ecommerce_training", year=YEAR, target=60,
                       zone=west1, measure=TargetMeasure.beneficiaries)
    for it, day, served in ((by_sessions, date(YEAR, 3, 10), 25),
                            (by_people, date(YEAR, 11, 12), 30)):
        task = b.task_on(it, admin, day)
        b.join(task, admin)
        b.report(task, admin, people=served)
    db.session.commit()
    document = build_annual(YEAR, unit=commerce)
    text = _checklist_section(document)
    rows = [r[0] for r in next(t for t in document.tables() if t.key == "checklist").rows]
    assert rows == ["东门社区·一区", "西门社区·一区"]
    assert ("各类别完成情况：东门社区·一区电子商务培训目标4场、完成1场（25.0%），"
            "西门社区·一区电子商务培训目标60人次、完成30人次（50.0%）") in text, text
