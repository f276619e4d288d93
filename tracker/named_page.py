"""The confirmation page before an admin's change that a 已定稿 月报 or 年度总结
counts (``services.named_first``): the house's step — the form posted, a page naming
the signed documents it will change, 「确认…」 posting every typed field again with
``confirmed=1``, 「返回，不操作」 posting them back to the form (``returning``) —, as
冲销's (``funds.routes.reverse``) and 作废's confirmation pages name theirs."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import render_template, request
from flask_login import current_user

from .admin.told import signed_names
from .services import name_problems
from .services.reopened import Then
from .services.roll import NamedSince, keep_named, named_key, said_since, same_named
from .view_support import confirmed, named_aware

# what the naming page named (``roll.named_key`` of its Naming), posted back with 确认
KEY = "named_key"

# the question's own fields, its key (named afresh) and the tokens — the page posts the
# form's own token itself (confirm.html ``once(carry=True)``): its 确认 spends it (walk45 #2)
_NOT_CARRIED = frozenset({"csrf_token", "submission_token", "page_submission_token",
                          "confirmed", "returning", KEY})


def carried() -> list[tuple[str, str]]:
    """Every field the post carried as (name, value) — each of a multiple choice's —,
    for the confirmation page to post again as typed."""
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in _NOT_CARRIED]


def ask_first(named, *, title: str, submit: str, explain: str, action: str, back: str,
              subject: str | None = None, task=None, files=None, since=None):
    """The confirmation page naming ``named`` (a ``summary_notes.Naming``), ``action``
    the change's word in its sentence (「登记支出会改变以下已定稿月报…」). ``files``: a
    form of the file fields the post had — a page cannot post a chosen file again, so
    they are asked for again there (as 补录's 查找 asks for its photos again). It posts
    back what it named (``KEY``), compared at 确认 (``NamedFirst``); ``since``: asked
    again because that changed since the page before was read — the words said first
    (``roll.said_since``: a month signed since, or the documents re-opened since and,
    naming nothing now, the page asking for the plain change)."""
    action_url = request.full_path.rstrip("?")  # a search the form's address carries
    return render_template("confirm.html", title=title, submit=submit, explain=explain,
                           subject=subject, task=task, action=action_url, back=back,
                           keeps=True, carried=[*carried(), (KEY, named_key(named))],
                           signed=signed_names(named), signed_action=action, form=files,
                           since=since,
                           enctype="multipart/form-data" if files is not None else None)


class NamedFirst:
    """One admin change named first, in its view: ``naming(lock)`` the signed documents
    it changes (a ``summary_notes.Naming`` or None: ``named_first.day_signed`` /
    ``work_signed`` of the typed values), ``ask(named, since)`` its naming page
    (``ask_first`` with the change's words; ``since``: None, or the words said first
    when asked again); ``then``: those words as the page's own button says them
    (``services.then_pages``: 「…如仍要复制，请再次点击“确认复制”。」), one per page.

    The one rule of 作废's and 撤销审核's keys (``roll.keep_named``): the naming
    page posts back what it named (``KEY``); the change compares it, in its own unit of
    work and under the months' share locks (``naming(lock=True)``: a 定稿 either
    committed before, and is named, or waits and signs the change), with what it changes
    then. Other documents — a month or year signed (or re-opened) since the page was
    read — and the post is answered by the naming page afresh, the typed fields carried
    again and ``roll.said_since``'s words first — its ``then.more`` (「…请查看上方的说明后再
    点击“确认复制”。」), or, a document it
    named re-opened since, which, and the plain change asked when nothing is left —,
    nothing done. A post straight from the form is
    held to what it was shown: nothing when no page was (nothing named: a month signed
    before the change commits is named, not changed — and a change whose ``ask``
    declined its page, as 采纳's, 添加遗漏的参加人员's, 补录's, 登记支出's and 进度's 移交
    and 整改 do for what their service refuses, compares in the service after its
    refusals, ``compare``); a confirmed post
    with no key (from no page of ours) asks nothing, as before.

    Words said first only to a post a page of ours asked (``shown``): 「…有了变化」 (or
    the re-opened words) tell the user that what a page showed them is not what the
    change names now. A post straight from the form was shown no naming page — its
    ``ask`` declined (a refusal since gone by the service's locks), the view read it as
    naming nothing (``asks`` False: an activity read not approved), or nothing was signed
    at the view's read — so nothing it was shown changed: it gets the naming page as if
    asked the first time, the plain question, which is what it would have had had the
    service's answer been the view's (refusalgone46)."""

    def __init__(self, naming: Callable, ask: Callable,
                 problems: Callable[[], list] | None = None, *, then: Then):
        self.naming, self.ask = naming, ask
        # the page's words asked again, ending on its own button (``then_pages``): never
        # 「…请再次提交」 over a page whose button is 「确认作废」 (then53)
        self.then = then
        # the ask's own read-only pre-check, as ``since``'s ``problems``: for a view that
        # runs the change with a flow of its own (``admin.crud.save_form``)
        self.problems = problems
        self.promised: str | None = None
        # the post came from a page of ours that asked it (``confirmed``): only then
        # was anything named to the user that could have changed since
        self.shown = False
        self.found: list[NamedSince] = []

    def answer(self, *, always: bool = False, asks: bool = True):
        """Before the change: its naming page when it is to be asked — not confirmed and
        naming something (``always``: or not, a change asked once whatever it names, as
        冲销), or confirmed from a page that named other documents —, else None (the
        change goes on, its service run through ``comparing``). ``asks`` False: the view read the change as naming
        nothing without asking ``naming`` (an activity not approved: its 组长 is in no
        signed document); the post is held to that as to any answer — "" from the form,
        the key a confirming page posted —, for the service to ``compare`` should it
        find, under its own lock, that the change names something after all."""
        self.shown = confirmed()
        if not asks:
            self.promised = request.form.get(KEY) if self.shown else ""
            return None
        named = self.naming(lock=False)
        if self.shown:
            self.promised = request.form.get(KEY)
            if self.promised is not None and not same_named(self.promised, named_key(named)):
                return self.ask(named, said_since(self.promised, named, actor=_poster(),
                                                  then=self.then))
            return None
        asked = self.ask(named, False) if named or always else None
        # held to what was named to the user: nothing when no page was shown — the ask
        # declined one, the change being refused (said in the service's words): should
        # that refusal be gone under the service's locks, its ``compare`` names the
        # documents afresh rather than change them unnamed (samehold44)
        self.promised = named_key(named) if asked is not None else ""
        return asked

    def compare(self) -> None:
        """What the page named compared with what the change names now (``keep_named``),
        by the service itself, under the months' share locks (``naming(lock=True)``) and
        the lock that fixes whether its change names anything at all — ``tasks.change_leader``'s ``named``,
        after the activity's lock: a 通过 committed between the view's read and that lock
        makes an unnamed 组长 change one of a signed month's 台账 (review44 #1); or after
        the refusals that kept its page from being shown — ``add_forgotten_participant``'s,
        ``adopt_into_task``'s, ``record_past_activity``'s (and ``adopt_through_backfill``'s),
        ``funds.add_entry``'s, ``findings.hand_over``'s and ``mark_fixed``'s ``named``: a
        refusal gone by the time of the locks leaves a post that named nothing
        (samehold44), while one still there is said in the service's words, never as
        「…有了变化…」 (review44 #2); or after refusals its page can meet — 冲销's
        (``funds.reverse_entry``: an entry another admin reversed meanwhile is refused as
        such, adoptorder46). The service runs through ``comparing``."""
        keep_named(self.promised, lambda: self.naming(lock=True), actor=_poster(),
                   then=self.then)

    def aware(self, service: Callable) -> Callable:
        """``service`` (which calls ``compare``), its refusal kept for ``since``."""
        return named_aware(self.found, service)

    def comparing(self, service: Callable) -> Callable:
        """``service`` given ``named=compare`` — it compares after its refusals, under
        its own locks — through ``aware``: the one way a view runs such a service."""
        return self.aware(partial(service, named=self.compare))

    def since(self, form=None, problems: Callable[[], list] | None = None):
        """After the change was refused: the naming page afresh when it was for what the
        page named (``compare``), else None — naming what the change names now, read
        again after the service's rollback (``naming(lock=False)``), not what the
        service found under its locks; what changed said first to a post a page of ours
        asked (``shown``); a post straight from the form, shown no naming page, is asked
        the plain question, as the first time (refusalgone46). Naming nothing now, the
        page asks the plain change, a 确认 made knowingly (``_said_afresh``).

        ``form`` and ``problems`` — the ask's own read-only pre-check, as the (form
        field, message) pairs of ``services.name_problems`` —, for a view whose
        ``run_service`` kept the refusal's words off ``form`` (``since_off``): when the
        ask declines its page, that pre-check refusing now (another's change committed
        after the service's rollback: an entry reversed meanwhile), its refusal is said
        on ``form`` in its own words. 「…有了变化…请查看上方的说明后再确认。」 would
        point at a page above that is not shown (namedsince47). Should the pre-check
        find nothing by then (a third change), the refusal's own words are kept: the
        form is never answered with nothing said. ``problems`` None: the one given to
        the constructor, if any."""
        if not self.found:
            return None
        problems = problems or self.problems
        refusal = self.found[0]
        # what the change names now, read afresh (no lock): the naming the service found
        # under its locks was rolled back with it, and another's change committed since
        # may have changed what it names — 撤销审核 of the activity 采纳 adds to leaves
        # it naming nothing (since49c's Open)
        named = self.naming(lock=False)
        asked = self.ask(named, self._said_afresh(named, refusal))
        if asked is None and form is not None and problems is not None:
            name_problems(form, problems() or [(None, refusal.message)])
        return asked

    def _said_afresh(self, named, refusal):
        """``since``'s words first for ``named``, what the change names now, by
        ``said_afresh``: to a post a page of ours asked, what changed from what it named;
        to one straight from the form, nothing, as the first time — unless nothing is
        named now (``then.none``, ending on the page's button)."""
        if self.promised is None:  # not this view's compare: its own words
            return refusal.message if self.shown else None
        return said_afresh(self.promised, named, shown=self.shown, actor=_poster(),
                           then=self.then)


def said_afresh(promised: str | None, named, words=None, *, shown: bool, actor,
                then: Then):
    """What a naming page asked again says first, after the change was refused for what
    its page named and ``named`` — what the change names now — was read afresh after the
    service's rollback: the one rule of every such page (``NamedFirst``, 服务对象, 更正日期,
    the member form; since51). ``shown``: the post came from a page that showed a naming
    and posted back its key ``promised`` — it is told what changed from that
    (``roll.said_since``: ``words``, the page's own sentence, when only more is signed;
    else which documents were re-opened, ``then`` those words as the page's button
    says them, ``reopened.Then``). A post straight from the form was shown no naming: it gets the
    naming page as the first time, nothing said (None) — unless nothing is named now,
    when the plain form asked again says why (``then.none``: the plain
    form's own button, afresh52's Open), never a bare 「…请查看上方的说明…」
    over no 说明."""
    if shown:
        return said_since(promised, named, words, actor=actor, then=then)
    return None if named_key(named) else then.none


def _poster():
    """Who posted the key: its words read it only from one whose pages write it
    (``reopened.reopened_since``)."""
    return current_user._get_current_object()
