"""What a screen reader hears on a refused form (WCAG 1.3.1, 3.3.1, 4.1.2): each invalid
field says it is invalid (aria-invalid) and why — its errors and help are tied to it
(aria-describedby), for every kind of field the form macro renders; a group of radios is
named by its question; the refusal's summary leads to each field and takes the focus."""
from __future__ import annotations

from html.parser import HTMLParser

from flask import render_template_string
from wtforms import BooleanField, FileField, RadioField, SelectField, StringField, TextAreaField

from tracker.fields import MultiCheckboxField
from tracker.form import Form

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "base"}


class Elements(HTMLParser):
    """Every element of a page: tag, attributes and the text inside it."""

    def __init__(self, html: str):
        super().__init__()
        self.all: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **{k: v or "" for k, v in attrs}, "text": ""}
        self.all.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def by_id(self, id_: str) -> dict:
        found = [e for e in self.all if e.get("id") == id_]
        assert len(found) == 1, (id_, found)
        return found[0]

    def description(self, element: dict) -> str:
        """The text aria-describedby points at, as a screen reader reads it after the name."""
        ids = element.get("aria-describedby", "").split()
        return " ".join(self.by_id(i)["text"].strip() for i in ids)


class EveryKind(Form):
    class Meta:
        csrf = False

    name = StringField("姓名")
    note = TextAreaField("说明")
    pick = SelectField("类别", choices=[("a", "甲"), ("b", "乙")])
    absent = MultiCheckboxField("缺席人员", choices=[(1, "张三"), (2, "李四")], coerce=int)
    kind = RadioField("类型", choices=[("need", "需求"), ("wish", "微心愿")])
    photo = FileField("照片")
    agree = BooleanField("同意")


RENDER = ('{% from "_macros/forms.html" import field, form_errors %}{{ form_errors(form) }}'
          '{% for f in form %}{{ field(f, help="帮助：" ~ f.label.text) }}{% endfor %}')


def test_every_kind_of_invalid_field_says_so_and_why(app):
    with app.test_request_context("/"):
        form = EveryKind()
        for f in form:
            f.errors = [f"{f.label.text}填写有误"]
        page = Elements(render_template_string(RENDER, form=form))
    # The element a screen reader lands on for each field: the control, or the group.
    carriers = {"name": "name", "note": "note", "pick": "pick", "photo": "photo",
                "agree": "agree", "kind": "kind", "absent": "absent"}
    for name, id_ in carriers.items():
        element = page.by_id(id_)
        label = getattr(form, name).label.text
        description = page.description(element)
        assert f"{label}填写有误" in description, (name, element)
        assert f"帮助：{label}" in description, (name, element)  # help after the error
        assert description.index("填写有误") < description.index("帮助")
        if name != "absent":  # a checkbox group is no widget: each box says it
            assert element.get("aria-invalid") == "true", (name, element)
    boxes = [e for e in page.all if e.get("name") == "absent"]
    assert len(boxes) == 2 and all(b.get("aria-invalid") == "true" for b in boxes)
    # The summary names each field with its error and leads to it.
    summary = page.by_id("form-errors")
    assert "autofocus" in summary and summary.get("tabindex") == "-1"
    links = {e["href"]: e["text"] for e in page.all if e["tag"] == "a"}
    assert links["#name"] == "姓名：姓名填写有误"
    assert links["#kind-0"] == "类型：类型填写有误"  # a group: its first option
    assert page.by_id("kind-0")["type"] == "radio"


def test_a_valid_field_is_not_marked(app):
    with app.test_request_context("/"):
        page = Elements(render_template_string(RENDER, form=EveryKind()))
    assert not [e for e in page.all if "aria-invalid" in e]
    assert page.description(page.by_id("name")) == "帮助：姓名"
    assert not [e for e in page.all if e.get("id") == "form-errors"]


def test_a_refused_login_ties_the_error_to_the_phone_field(client):
    page = Elements(client.post("/auth/login", data={"phone": "", "password": ""})
                    .get_data(as_text=True))
    phone = page.by_id("phone")
    assert phone["aria-invalid"] == "true"
    assert page.description(phone) == "请输入手机号。"
    assert "请输入手机号。" in page.by_id("form-errors")["text"]


def test_a_radio_group_is_named_by_its_question(client, login, world):
    login(world.liaison)
    html = client.get(f"/needs/new?community={world.community.id}").get_data(as_text=True)
    page = Elements(html)
    group = page.by_id("kind")
    assert group["tag"] == "fieldset" and group["role"] == "radiogroup"
    legend = page.by_id(group["aria-labelledby"])
    assert legend["tag"] == "legend"
    star = [e for e in page.all if e.get("class") == "req" and e["text"] == "*"]
    assert star and all(e.get("aria-hidden") == "true" for e in star)  # not in the name
    assert legend["text"].strip().removesuffix("*") == "类型"
    assert 'for="kind"' not in html  # no label pointing at what cannot be labelled
    radios = [e for e in page.all if e.get("name") == "kind"]
    assert len(radios) == 2
    # each option's label is a whole row around its radio (the 44 px target)
    labels = [e for e in page.all if e["tag"] == "label" and "option" in e.get("class", "")]
    assert [lab["text"].strip() for lab in labels] == ["需求", "微心愿"]
