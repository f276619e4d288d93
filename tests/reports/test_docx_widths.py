"""The ledger's columns in the .docx are wide enough for what office software sets in
them (walk 5, D7): LibreOffice printed 「11月20」 over 「日」 and 「解放路社」 over 「区」.

Office software sets a Chinese character 1 em wide and a digit in its fallback font
(DejaVu Sans) 0.636 em, and puts a space (its "autospace": 0.2 em in LibreOffice,
about a quarter em in Word) wherever a Chinese character meets a digit. docs/design.md:
"numbers and dates never wrap"."""
from __future__ import annotations

from datetime import date

from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import force_locale

from tracker.reports import docx_export
from tracker.reports.layout import break_header
from tracker.reports.tables import DOCUMENT_LOCALE, Day, Hours, Lines, ledger_table

LEDGER_PT = 8  # the ledger's type (15 columns)
MARGINS = 2 * Mm(1)  # a cell's padding, left and right


def needed(chinese: int, digits: int, joins: int) -> int:
    """EMU a cell needs for its text on one line, as LibreOffice sets it."""
    em = chinese * 1 + digits * 0.636 + joins * 0.2
    return int(Pt(LEDGER_PT * em)) + MARGINS


def ledger(content: str = "走访困难群众。", title: str = "结对帮扶",
           category: str = "结对帮扶"):
    table = ledger_table([], "本月活动台账")
    table.rows.append([1, Day.of(date(2026, 11, 20)), "解放路社区", Lines((title, category)),
                       "解放路沿街", "困难群众", content, "李娜、刘洋", 3, Hours(360), "", "",
                       "李娜", "张伟", "现场签到"])
    table.rows.append([2, Day.of(date(2026, 12, 3)), "建设路社区",
                       Lines(("清除小广告", "环境整治")), "建设路", "居民", content, "王芳", 1,
                       Hours(60), "", "", "", "张伟", "组长提交"])
    return table


def busy_ledger():
    """Every text column as full as it gets: long names, places, titles, many people."""
    table = ledger_table([], "本月活动台账")
    for number in range(1, 4):
        table.rows.append([number, Day.of(date(2026, 11, 20)), "解放路社区·东门片区网格",
                           Lines(("困难群众结对帮扶慰问走访", "公共服务志愿活动")),
                           "解放路沿街商铺及背街小巷",
                           "困难群众及独居老人", "走访困难群众，送去米面油。" * 8,
                           "李娜、刘洋、王芳、赵敏、孙涛、周杰", 12, Hours(720), "", "",
                           "欧阳娜娜", "司马张伟", "组长提交补录"])
    return table


def widths(table):
    document = docx_export.Document()
    docx_export._styles(document)
    docx_export.add_table(document, table)
    grid = document.tables[-1]
    return document, [cell.width for cell in grid.rows[0].cells]


def test_a_date_gets_room_for_its_digits_and_the_spaces_around_them(app):
    """「11月20日」: two Chinese, four digits, three joins of Chinese and digits."""
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        for content in ("走访困难群众。", "讲解政策。" * 40):  # a ledger with room, and a full one
            _, columns = widths(ledger(content))
            assert columns[1] >= needed(chinese=2, digits=4, joins=3), content


def test_a_short_name_keeps_its_line_when_long_text_fills_the_page(app):
    """A five-character community, place or pair of names is not broken before its last
    character because 活动内容 is long: the long text gives up the room and wraps."""
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        _, columns = widths(ledger("讲解政策。" * 40))
    for column, chinese in ((2, 5), (4, 5), (7, 5)):  # 解放路社区, 解放路沿街, 李娜、刘洋
        assert columns[column] >= needed(chinese=chinese, digits=0, joins=0), column
    assert sum(columns) <= docx_export.LANDSCAPE_TEXT_WIDTH


def test_date_and_number_cells_never_wrap(app):
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        document, _ = widths(ledger())
    grid = document.tables[-1]
    no_wrap = [cell._tc.tcPr.find(qn("w:noWrap")) is not None for cell in grid.rows[1].cells]
    assert no_wrap[0] and no_wrap[1] and no_wrap[8] and no_wrap[9]  # 序号 日期 人次 服务时长
    assert not no_wrap[2] and not no_wrap[6]  # a community, the 活动内容 may wrap
    header = grid.rows[0].cells[9]._tc.tcPr  # a header may wrap (服务时长 / （小时）)
    assert header.find(qn("w:noWrap")) is None


def test_an_eight_character_title_keeps_its_line_while_the_content_wraps(app):
    """Session 37's open D7: in a full ledger an eight-character 活动 lost its last
    character to a second line (「困难群众结对帮」 over 「扶」), shrunk in proportion with
    活动内容. The widest column gives up the room first: 活动内容 wraps, the title over
    its category and the five-character names keep their line."""
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        _, columns = widths(ledger("走访困难群众，送去米面油。" * 8, title="招商引资政策宣讲",
                                   category="困难群众结对帮扶"))
    assert columns[3] >= needed(chinese=8, digits=0, joins=0)
    for column in (2, 4, 7):  # 解放路社区, 解放路沿街, 李娜、刘洋
        assert columns[column] >= needed(chinese=5, digits=0, joins=0), column
    assert columns[6] < needed(chinese=13 * 8, digits=0, joins=0) // 3  # 活动内容 wraps
    assert columns[6] == max(columns)  # … and is still the widest
    assert sum(columns) <= docx_export.LANDSCAPE_TEXT_WIDTH


def test_no_text_column_is_cut_below_its_floor(app):
    """However full the ledger, a text column keeps four Chinese characters (the old
    floor) and its header's longest line once the header is broken before its bracket
    (社区 over （责任区）), or all it holds when that is less; dates keep their line."""
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        table = busy_ledger()
        _, columns = widths(table)
        for column, (header, width) in enumerate(zip(table.headers, columns)):
            if column in (0, 1, 8, 9):  # 序号 日期 人次 服务时长: never cut
                continue
            lines = break_header(header, 10).split("\n")
            cells = [line for row in table.rows for line in str(row[column]).split("\n")]
            holds = max(len(text) for text in [*lines, *cells])
            floor = max(4, *(len(line) for line in lines))
            assert width >= needed(chinese=min(floor, holds), digits=0, joins=0), header
        assert columns[1] >= needed(chinese=2, digits=4, joins=3)
        # 活动（类别）'s category of eight characters keeps its line (its title of twelve wraps)
        assert columns[3] >= needed(chinese=8, digits=0, joins=0)
    assert sum(columns) <= docx_export.LANDSCAPE_TEXT_WIDTH
