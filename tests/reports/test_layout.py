"""Chinese line-breaking (避头尾) of the text the exporters wrap themselves (the .xlsx
summary sheet), and the fitting of columns into a page."""
from tracker.reports.layout import (
    NO_LINE_END,
    NO_LINE_START,
    break_header,
    fit_columns,
    share_columns,
    wrap,
)
from tracker.reports.tables import display_width

# docs/design.md, the .xlsx summary sheet: "no line begins with ，。、；：？！”’）》, none
# ends with “‘（《" — the rule's own characters, not the wrapper's sets
NEVER_STARTS_A_LINE = "，。、；：？！”’）》"
NEVER_ENDS_A_LINE = "“‘（《"

TEXT = ("二、组织党员志愿服务。组织党员干部前往解放路社区报到，开展环境整治2次（24人次），"
        "慰问“空巢”老人3人，清除牛皮癣57处，摸排统计下水道、人行道问题17处；年度累计"
        "12,660.50元，占年度预算（10,000.00元）的126.6%。")


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one():
    for width in range(12, 70):
        lines = wrap(TEXT, width)
        assert "".join(lines) == TEXT, width  # nothing lost, nothing added
        for line in lines[1:]:
            assert line[0] not in NEVER_STARTS_A_LINE, (width, line)
        for line in lines[:-1]:
            assert line[-1] not in NEVER_ENDS_A_LINE, (width, line)
            assert display_width(line) <= width + 2, (width, line)  # a mark pulled back at most


def test_the_wrapper_knows_every_mark_of_the_design():
    """The wrapper may hold more marks (」, …, half-width ones) but none of the design's
    may be missing from its sets."""
    assert set(NEVER_STARTS_A_LINE) <= NO_LINE_START
    assert set(NEVER_ENDS_A_LINE) <= NO_LINE_END


def test_numbers_are_not_split_and_line_breaks_are_kept():

    for width in range(10, 40):
        lines = wrap(TEXT, width)
        for number in ("12,660.50", "10,000.00", "126.6%"):
            assert any(number in line for line in lines), (width, number)
    assert wrap("甲\n乙", 10) == ["甲", "乙"]


def test_the_quote_that_used_to_start_a_line():
    # the reviewer's 「慰问“空巢 / ”老人」 and 「清除牛皮癣57处 / ，摸排统计」
    assert wrap("慰问“空巢”老人", 9) == ["慰问“空", "巢”老人"]
    assert wrap("清除牛皮癣57处，摸排统计", 15)[1][0] != "，"


def test_a_header_breaks_before_its_bracket_only_when_too_wide():
    assert break_header("服务时长（小时）", 10) == "服务时长\n（小时）"
    assert break_header("服务时长（小时）", 16) == "服务时长（小时）"
    assert break_header("审核人", 4) == "审核人"


def test_text_columns_give_up_room_numbers_keep_theirs():
    widths = fit_columns([4, 10, 44, 24, 8], [True, True, False, False, False], 60)
    assert widths[:2] == [4, 10] and sum(widths) <= 60.01
    assert widths[2] > widths[3] >= 8 and widths[4] == 8


def test_the_widest_text_column_gives_up_room_first():
    """Water-filling: 活动内容 (44) is cut toward the next widest (24) before anything
    else; then both together; a narrower one keeps its width all along."""
    unbroken = [True, False, False, False]
    floors = [8] * 4
    assert share_columns([10, 14, 44, 24], unbroken, 80, floors) == [10, 14, 32, 24]
    assert share_columns([10, 14, 44, 24], unbroken, 70, floors) == [10, 14, 23, 23]


def test_a_cut_column_keeps_half_its_width_and_its_floor():
    """Below half its width 活动内容 would wrap into more than twice its lines for a
    short column's one: the caller shares the room in proportion instead (``None``)."""
    unbroken = [False, False, False]
    floors = [8, 10, 8]
    assert share_columns([44, 12, 24], unbroken, 44, floors) == [22, 10, 12]
    assert share_columns([44, 12, 24], unbroken, 43, floors) is None
    assert share_columns([6, 12], [False, False], 100, floors) == [6, 12]  # it fits
