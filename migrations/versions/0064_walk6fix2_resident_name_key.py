"""resident.name_key: 服务对象 listed by the pinyin of their names

The 服务对象 list and every picker of residents (the 需求 form's, a visit's 本次服务的
对象) ordered by ``resident.name``, code-point order (万 before 安, 陈 and 黄 last),
while every list of members is in pinyin order by ``member.name_key`` (0024). Residents
get the same key; existing rows get theirs here, from a copy of
``tracker/name_order.name_key`` frozen at this revision (the same as 0024's), so later
changes to the app's function do not change what this migration writes. An erased
resident's name is already the placeholder, so its key names nobody.

Downgrade drops the column.

Revision ID: 0064_walk6fix2_resident_name_key
Revises: 0063_remindlang_outbox_facts
Create Date: 2026-12-05 07:00:00.000000

"""
import os
import unicodedata

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0064_walk6fix2_resident_name_key'
down_revision = '0063_remindlang_outbox_facts'
branch_labels = None
depends_on = None

KEY_MAX = 255
SURNAMES = {
    "尉迟": ("yu4", "chi2"), "万俟": ("mo4", "qi2"), "单于": ("chan2", "yu2"),
    "长孙": ("zhang3", "sun1"),
    "曾": ("zeng1",), "单": ("shan4",), "解": ("xie4",), "仇": ("qiu2",), "朴": ("piao2",),
    "区": ("ou1",), "查": ("zha1",), "乐": ("yue4",), "覃": ("qin2",), "翟": ("zhai2",),
    "任": ("ren2",), "华": ("hua4",), "盖": ("ge3",), "缪": ("miao4",), "种": ("chong2",),
    "召": ("shao4",), "折": ("she2",), "员": ("yun4",), "秘": ("bi4",), "繁": ("po2",),
    "纪": ("ji3",), "柏": ("bai3",), "冼": ("xian3",), "粘": ("nian2",), "隗": ("wei3",),
    "句": ("gou1",), "阚": ("kan4",), "过": ("guo1",), "宁": ("ning4",), "难": ("nan4",),
}


def _pinyin(text):
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")  # as the app reads names
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True,
                       errors=lambda run: list(run))


def _name_key(name):
    text = unicodedata.normalize("NFKC", name or "").strip()
    head, surname = "", ()
    for length in (2, 1):
        if len(text[:length]) == length and text[:length] in SURNAMES:
            head, surname = text[:length], SURNAMES[text[:length]]
            break
    parts = [f"{syllable}{ord(ch):05x}" for ch, syllable in zip(head, surname)]
    rest = text[len(head):]
    readings = _pinyin(rest)
    if len(readings) != len(rest):
        readings = [_pinyin(ch)[0] for ch in rest]
    other = ""

    def flush():
        kept = "".join(c for c in other.lower() if c.isascii() and c.isalnum())
        return f"{kept}0" if kept else ""

    for ch, reading in zip(rest, readings):
        if reading != ch and reading[-1:].isdigit():
            parts.append(flush())
            other = ""
            parts.append(f"{reading}{ord(ch):05x}")
        else:
            other += ch
    parts.append(flush())
    return "".join(parts)[:KEY_MAX]


def upgrade():
    # Added in place, not by a batch copy: SQLite cannot copy a table other tables
    # point at (its foreign keys refuse the DROP).
    op.add_column('resident', sa.Column('name_key', sa.String(length=KEY_MAX),
                                        server_default='', nullable=False))
    bind = op.get_bind()
    resident = sa.table('resident', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('name_key', sa.String))
    rows = bind.execute(sa.select(resident.c.id, resident.c.name)).all()
    if rows:
        bind.execute(resident.update().where(resident.c.id == sa.bindparam('resident_id'))
                     .values(name_key=sa.bindparam('key')),
                     [{'resident_id': row.id, 'key': _name_key(row.name)} for row in rows])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':  # native since SQLite 3.35: no table copy
        op.execute('ALTER TABLE "resident" DROP COLUMN "name_key"')
    else:
        op.drop_column('resident', 'name_key')
