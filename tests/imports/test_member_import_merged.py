"""The member import and 合并账号: a row with a merged account's number is left out,
naming the account kept; a new row that looks like an existing account (one name, one
unit, one 党支部, another number) carries a note — not a refusal (walk8 #7, #12).

The story: 县商务局's 李四 had a second account, merged into 张三's (the kept one,
its number shown masked as every list shows it). The bureau's roster still lists the
old number.
"""
from sqlalchemy import func, select

from tests.imports.helpers import xlsx_bytes
from tests.imports.test_member_import_web import upload
from tracker.extensions import db
from tracker.models import Member
from tracker.privacy import mask_phone
from tracker.services import member_import as mi
from tracker.services import merge


def merged(world):
    keep, drop = world.member, world.other_member
    merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()
    return keep, drop


def check(rows, actor=None):
    parsed = mi.parse_rows(mi.read_table("名单.xlsx", xlsx_bytes(rows)))
    assert not parsed.file_errors, parsed.file_errors
    return mi.check_rows(parsed.rows, actor)


def test_a_row_with_a_merged_accounts_number_is_left_out_naming_the_kept_account(world):
    keep, drop = merged(world)
    preview = check([(drop.name, drop.phone, "县商务局", "第二党支部", "", "")])
    [row] = preview.rows
    assert (row.errors, row.action, row.changes) == ([], "merged", [])
    assert row.notes == [f"该手机号的账号已合并至{keep.name}（{mask_phone(keep.phone)}），此行不导入；"
                         f"如需更新，请在名单中改填{keep.name}的手机号。"]
    assert preview.ok  # the rest of the roster imports

    result = mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert (result.created, result.updated, result.unchanged, result.merged) == (0, 0, 0, 1)
    db.session.expire_all()
    # neither account takes the row's 党支部: the merged one is kept as merged, the kept
    # one is not updated from a row of another number
    assert (db.session.get(Member, drop.id).branch, db.session.get(Member, keep.id).branch) == (
        None, None)


def test_the_preview_page_says_the_number_is_a_merged_accounts(client, login, world):
    keep, drop = merged(world)
    login(world.admin)
    rows = [(drop.name, drop.phone, "县商务局", "第二党支部", "", "")]
    url = upload(client, xlsx_bytes(rows)).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert f"该手机号的账号已合并至{keep.name}（{mask_phone(keep.phone)}），此行不导入" in page
    assert "1行的手机号属于已合并的账号，不导入。" in page
    # not shown as an update (nor 无变化) of the merged account: left out
    assert '<span class="badge">不导入</span>' in page
    assert "badge warn" not in page and "无变化</span>" not in page
    assert "账号已停用，导入后仍为停用" not in page
    done = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "导入完成：新增0人，更新0人，0人无变化。" in done
    assert "1行的手机号属于已合并的账号，不导入。" in done


def test_a_new_row_like_an_existing_account_gets_a_note_and_is_still_added(world):
    """张三 of 县商务局, no 党支部, is on file; a row of 张三, 县商务局, no 党支部 and another
    number may be the same person. 张三 of 第二党支部 is another's: no note."""
    world.member.branch = None
    db.session.commit()
    same = ("张三", "13900000008", "县商务局", "", "", "")
    other_branch = ("张三", "13900000009", "县商务局", "第二党支部", "", "")
    preview = check([same, other_branch])
    first, second = preview.rows
    assert (first.action, first.errors) == ("create", [])
    assert first.notes == [f"县商务局已有同名账号张三（{mask_phone(world.member.phone)}）："
                           "如为同一人，请核对手机号，不要重复新增。"]
    assert (second.action, second.notes) == ("create", [])
    assert preview.ok

    before = db.session.scalar(select(func.count()).select_from(Member))
    result = mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert result.created == 2  # a note refuses nothing
    assert db.session.scalar(select(func.count()).select_from(Member)) == before + 2


def test_a_merged_namesake_is_not_named_as_a_likely_duplicate(world):
    """李四's merged account is no account to be confused with: only the kept ones are named."""
    _keep, drop = merged(world)
    preview = check([(drop.name, "13900000010", "县商务局", drop.branch or "", "", "")])
    assert (preview.rows[0].action, preview.rows[0].notes) == ("create", [])
