"""A retention run (`flask purge-residents`, `flask purge-members`): each person erased
in a transaction of their own.

One transaction for the whole run would let a single refusal (a resident whose signed
月报 or 年度总结 copy cannot be redacted: ``erasure.redact_copies``) undo every erasure of the run,
and, the run being daily, every run after it: nobody would be erased again until a
person fixed that one. So each erasure commits alone; one that is refused rolls back
alone, keeps all of that person's data, and the run goes on. The refusals are returned
by id (the run's output goes to the system's journal: no names in it).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..db_setup import writing
from ..extensions import db
from . import ServiceError, unit_of_work


@dataclass
class Purge:
    """What a run did, or (dry run) would do: the ids erased, and the ids refused with
    the refusal's message."""
    erased: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def erase_each(ids: Iterable[int], erase: Callable[[int], None], *,
               dry_run: bool = False) -> Purge:
    """``erase(id)`` for each id, each in a transaction of its own: committed, or, when
    refused (``ServiceError``), rolled back and noted. ``dry_run``: every erasure is
    tried and rolled back, so the refusals are known and nothing is kept (a file an
    erasure lets go of is removed only on commit: ``photos.remove_image_on_commit``).
    Anything but a refusal (the database gone) ends the run: it is no one person's."""
    done = Purge()
    for person_id in ids:
        try:
            if dry_run:
                with writing():
                    try:
                        erase(person_id)
                        db.session.flush()
                    finally:
                        db.session.rollback()
            else:
                with unit_of_work(once=False):
                    erase(person_id)
        except ServiceError as error:
            done.refused.append((person_id, str(error.message)))
        else:
            done.erased.append(person_id)
    return done
