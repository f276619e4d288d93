"""Lists of people are in pinyin order (按姓名排列), the same on SQLite and PostgreSQL:
by the pinyin of the surname as a surname is read (曾 zēng, 单 shàn), then of the given
name; a shorter syllable before a longer one that begins the same (李 lǐ before 廉
lián); a lower tone first (黎 lí before 李 lǐ); people of one surname together when two
surnames sound alike (李 and 里)."""
from __future__ import annotations

import random

from tests import factories as f
from tracker.extensions import db
from tracker.name_order import name_key
from tracker.rollups.coverage import coverage
from tracker.timeutil import local_today

# as a Chinese dictionary or phone book lists them
IN_ORDER = ["安然", "白雪", "黎明", "李安", "李成", "里白", "廉洁", "单田芳", "Tom李",
            "王二", "尉迟恭", "曾小明", "张三", "长孙无忌", "赵六"]


def test_names_sort_by_pinyin_as_a_reader_expects():
    shuffled = IN_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=name_key) == IN_ORDER


def test_the_key_ignores_spaces_and_width_and_is_plain_ascii():
    assert name_key(" 王 二 ") == name_key("王二")
    assert name_key("ＴＯＭ李") == name_key("Tom李")
    assert all(key.isascii() and key.isalnum() for key in map(name_key, IN_ORDER))
    assert name_key("") == name_key(None) == ""


def test_the_list_of_those_not_yet_taking_part_is_in_pinyin_order(app):
    unit = f.unit()
    shuffled = IN_ORDER[:]
    random.Random(3).shuffle(shuffled)
    for name in shuffled:
        f.member(unit, name=name)
    db.session.commit()
    today = local_today()
    listed = [row.name for row in coverage(unit.id, today.replace(day=1), today).not_yet]
    assert listed == IN_ORDER  # code-point order would begin 单, Tom李, 安


def test_a_renamed_member_moves_to_the_new_name_place(app):
    unit = f.unit()
    first, second = f.member(unit, name="安然"), f.member(unit, name="白雪")
    db.session.commit()
    first.name = "周然"
    db.session.commit()
    today = local_today()
    listed = [row.name for row in coverage(unit.id, today.replace(day=1), today).not_yet]
    assert listed == [second.name, "周然"]
