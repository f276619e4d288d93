"""Every download names its type once, with at most one charset (security review,
session 26, finding 5: the .csv went out as ``text/csv; charset=utf-8; charset=utf-8``,
and a strict proxy or client may take the header as malformed)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import SummaryCopy
from tracker.services.notify import new_calendar_token

MONTH = "month=2022-10"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _signed_copy(client, october) -> int:
    assert client.post(f"/reports/finalize?unit={october.unit.id}&{MONTH}", data={"confirmed": "1"}).status_code == 302
    return db.session.scalar(select(SummaryCopy.id).order_by(SummaryCopy.id.desc()))


DOWNLOADS = {
    "monthly.docx": (lambda c, o: f"/reports/monthly.docx?unit={o.unit.id}&{MONTH}", DOCX),
    "monthly.xlsx": (lambda c, o: f"/reports/monthly.xlsx?unit={o.unit.id}&{MONTH}", XLSX),
    "monthly.csv": (lambda c, o: f"/reports/monthly.csv?unit={o.unit.id}&{MONTH}",
                    "text/csv; charset=utf-8"),
    "signed.docx": (lambda c, o: f"/reports/signed/{_signed_copy(c, o)}.docx?unit={o.unit.id}"
                                 f"&{MONTH}", DOCX),
    "signed.xlsx": (lambda c, o: f"/reports/signed/{_signed_copy(c, o)}.xlsx?unit={o.unit.id}"
                                 f"&{MONTH}", XLSX),
    "signed.csv": (lambda c, o: f"/reports/signed/{_signed_copy(c, o)}.csv?unit={o.unit.id}"
                                f"&{MONTH}", "text/csv; charset=utf-8"),
    "participations.xlsx": (lambda c, o: f"/reports/participations.xlsx?unit={o.unit.id}"
                                         f"&{MONTH}", XLSX),
    "record.xlsx": (lambda c, o: f"/reports/records/{o.members['张伟'].id}.xlsx?year=2022",
                    XLSX),
    "member template": (lambda c, o: "/imports/members/template.xlsx", XLSX),
    "ledger template": (lambda c, o: "/imports/ledger/template.xlsx", XLSX),
    "task .ics": (lambda c, o: f"/tasks/{o.tasks['环境整治一'].id}/calendar.ics",
                  "text/calendar; charset=utf-8"),
    "calendar feed": (lambda c, o: f"/me/feed/{new_calendar_token(o.admin)}.ics",
                      "text/calendar; charset=utf-8"),
}


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_a_download_has_one_content_type_with_at_most_one_charset(client, login, october, name):
    login(october.admin)
    url, expected = DOWNLOADS[name]
    address = url(client, october)
    db.session.commit()  # a calendar token made for the feed
    response = client.get(address)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    types = response.headers.getlist("Content-Type")
    assert types == [expected]
    assert types[0].lower().count("charset") <= 1
