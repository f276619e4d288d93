"""What an admin form's select offers of a directory table (单位, 社区, 责任区, 类别):
its rows in use, and those the record or the posting page already names (a 停用 one
stays a choice there) — the rule written once, read one list at a time
(``Offered.rows``) or several lists in one statement (``read_together``)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Member


@dataclass(frozen=True)
class Offered:
    """One choice list: ``model``'s active rows and ``current_ids``, in ``order``
    (default: the directory's natural order, ``sort_key`` then id; else the name);
    ``join``: what the order reads beyond the model (a zone's community)."""

    model: type
    current_ids: tuple = ()
    order: tuple | None = None
    join: object = None

    def where(self):
        current_ids = [i for i in self.current_ids if i]
        if current_ids:
            return or_(self.model.active, self.model.id.in_(current_ids))
        return self.model.active

    def order_by(self) -> list:
        if self.order is not None:
            return list(self.order)
        model = self.model
        return [model.sort_key, model.id] if hasattr(model, "sort_key") else [model.name]

    def _from(self, stmt):
        return stmt.join(self.join) if self.join is not None else stmt

    def rows(self) -> list:
        """The list's rows, in its order (one statement)."""
        stmt = self._from(select(self.model)).where(self.where()).order_by(*self.order_by())
        return db.session.scalars(stmt).all()


def read_together(*lists: Offered, options=()) -> list[list]:
    """Each list's rows, the same as its ``rows`` (same rule, same order), all in one
    statement: which rows each list offers, numbered in its order, is one part of a
    UNION ALL; each row is then read as its model's entity (the other lists' columns
    empty), so what a page asks later of a row offered — the item's category, unit or
    community — is in the session, not a statement of its own. ``options``: loader
    options of the entities (a zone's community)."""
    parts = [
        offered._from(select(literal_column(str(kind)).label("kind"),
                             offered.model.id.label("id"),
                             func.row_number().over(order_by=offered.order_by()).label("place")))
        .where(offered.where())
        for kind, offered in enumerate(lists)]
    chosen = union_all(*parts).subquery()
    stmt = select(chosen.c.kind, *(offered.model for offered in lists)).select_from(chosen)
    for kind, offered in enumerate(lists):
        stmt = stmt.outerjoin(offered.model, and_(chosen.c.kind == kind,
                                                  offered.model.id == chosen.c.id))
    found: list[list] = [[] for _ in lists]
    for kind, *entities in db.session.execute(
            stmt.options(*options).order_by(chosen.c.kind, chosen.c.place)):
        found[kind].append(entities[kind])
    return found


def merge_keep_choices(drop_id: int):
    """合并账号's 保留的账号: (a select of (id, name, phone), its order) — the other
    accounts in use of the unit of the account merged (``drop_id``), never one already
    merged (switched off), by name. Read alone by the form (``MergePickForm``) or riding
    on the page's read of the two accounts (``queries.merge_accounts``)."""
    drop, kept = aliased(Member), aliased(Member)
    unit = select(drop.unit_id).where(drop.id == drop_id).scalar_subquery()
    return (select(kept.id.label("id"), kept.name.label("name"), kept.phone.label("phone"))
            .where(kept.unit_id == unit, kept.id != drop_id, kept.active.is_(True)),
            (kept.name_key, kept.id))
