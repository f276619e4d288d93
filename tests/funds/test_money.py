"""Amounts typed in yuan become integer fen exactly; bad input is refused in Chinese."""
import pytest

from tracker.money import MoneyError, fen_to_input, format_yuan, parse_yuan


@pytest.mark.parametrize("text,fen", [
    ("3200", 320000),
    ("3,200.50", 320050),
    ("3200.5", 320050),
    ("0.29", 29),  # 0.29 * 100 in float is 28.999999999999996
    ("1.15", 115),
    ("9999999.99", 999999999),
    ("1,234,567.01", 123456701),
    (" 88 ", 8800),
    ("88元", 8800),
    ("３２００", 320000),
    ("￥1200", 120000),  # the yuan sign, full-width or not, as a Chinese keyboard types it
    ("¥1,200.50", 120050),
    ("￥ １２００元", 120000),
])
def test_parses_yuan_to_exact_fen(text, fen):
    assert parse_yuan(text) == fen
    assert isinstance(parse_yuan(text), int)


def test_point_one_plus_point_two_is_exactly_thirty_fen():
    assert parse_yuan("0.1") + parse_yuan("0.2") == 30


@pytest.mark.parametrize("text,message", [
    ("1e3", "金额格式不正确"),
    ("abc", "金额格式不正确"),
    ("-5", "不能为负数"),
    ("3.333", "两位小数"),
    ("", "请输入金额"),
    ("   ", "请输入金额"),
    ("1,00", "金额格式不正确"),
    ("32,00.5", "金额格式不正确"),
    ("NaN", "金额格式不正确"),
    ("inf", "金额格式不正确"),
    (".5", "金额格式不正确"),
    ("0", "必须大于0"),
    ("0.00", "必须大于0"),
    ("10000000.01", "金额过大"),
    ("+5", "金额格式不正确"),
    ("٣٠٠", "金额格式不正确"),  # digits of another script are not read as an amount
    ("３٠٠", "金额格式不正确"),
    ("1.٥", "金额格式不正确"),
    ("￥-5", "不能为负数"),
    ("-3.333", "不能为负数"),
    ("-abc", "金额格式不正确"),  # a minus before no number is not a negative amount
    ("-", "金额格式不正确"),
    ("￥", "请输入金额"),
    ("$5", "金额格式不正确"),
])
def test_refuses_bad_amounts_in_chinese(text, message):
    with pytest.raises(MoneyError) as caught:
        parse_yuan(text)
    assert message in str(caught.value.message)


def test_zero_allowed_for_a_budget():
    assert parse_yuan("0", allow_zero=True) == 0


@pytest.mark.parametrize("fen,text", [
    (0, "0.00"), (5, "0.05"), (320050, "3,200.50"), (-320050, "-3,200.50"),
    (100000000, "1,000,000.00"),
])
def test_formats_fen(fen, text):
    assert format_yuan(fen) == text


def test_form_value_round_trips():
    for fen in (1, 30, 320000, 320050, 123456701):
        assert parse_yuan(fen_to_input(fen)) == fen


# Review "resources" #3: the source document writes money in 万元, and a Chinese keyboard
# types 「。」 for the decimal point (the hours fields read it so): read exactly, in fen.
@pytest.mark.parametrize("text,fen", [
    ("1.5万", 1_500_000),  # 1.5 × 10,000 yuan
    ("1万元", 1_000_000),
    ("1.2万元", 1_200_000),
    ("１.５万", 1_500_000),
    ("0.05万", 50_000),  # 500 yuan
    ("1.234567万", 1_234_567),  # 12,345.67 yuan: exactly to the fen
    ("1500。50", 150_050),
    ("1500。5元", 150_050),
    ("3,200。50", 320_050),
])
def test_reads_wan_and_the_chinese_full_stop_exactly(text, fen):
    assert parse_yuan(text) == fen
    assert isinstance(parse_yuan(text), int)


@pytest.mark.parametrize("text,message", [
    ("1.2345678万", "两位小数"),  # 12,345.678 yuan: finer than a fen
    ("1.5万万", "金额格式不正确"),
    ("1500。5。0", "金额格式不正确"),
    ("1001万", "金额过大"),
    ("-1万", "不能为负数"),
    ("٣万", "金额格式不正确"),
])
def test_refuses_what_wan_cannot_read(text, message):
    with pytest.raises(MoneyError) as caught:
        parse_yuan(text)
    assert message in str(caught.value.message)


def test_the_refusal_says_which_forms_are_read():
    with pytest.raises(MoneyError) as caught:
        parse_yuan("一千五")
    assert str(caught.value.message) == "金额格式不正确，请填写数字，如 1500、1500.50、3,200.50 或 1.5万。"
