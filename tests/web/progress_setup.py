"""A small "双创" world on top of the ``world`` fixture, for the progress page tests.

Community A (the liaison's) gets two responsibility zones with 牛皮癣清除 and 摸排
items; this month: one approved ad-removal task (member + leader done), one pending
(submitted) task, one approved survey with findings. Nothing else has participations.
"""
from __future__ import annotations

from dataclasses import dataclass

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, FindingKind, FindingStatus, ReportStatus
from tracker.timeutil import local_today


@dataclass
class Double:
    zone1: object
    zone2: object
    ads_item: object
    survey_item: object
    approved: object
    pending: object
    survey: object
    finding: object


def build_double(w) -> Double:
    today = local_today()
    z1 = f.zone(w.community, "一区", w.unit)
    z2 = f.zone(w.community, "二区", w.unit)
    ads = f.item(w.unit, w.community, "ad_removal", zone=z1, target=200)
    f.item(w.unit, w.community, "ad_removal", zone=z2, target=100)
    survey_item = f.item(w.unit, w.community, "facility_survey", zone=z2, target=30)
    day = today.replace(day=1)  # at midnight: begun even early on the 1st of a month
    approved = b.task_on(ads, w.liaison, day, leader=w.leader, title="清除牛皮癣（一区）", hour=0)
    b.join(approved, w.member, minutes=90)
    b.join(approved, w.leader, minutes=120)
    b.join(approved, w.other_member, AssignmentStatus.absent)
    b.report(approved, w.leader, ReportStatus.approved, quantity=56, people=0)
    pending = b.task_on(ads, w.liaison, day, leader=w.leader, title="清除牛皮癣（待审核）", hour=0)
    b.join(pending, w.other_member, minutes=60)
    b.report(pending, w.leader, ReportStatus.submitted, quantity=20)
    survey = b.task_on(survey_item, w.liaison, day, leader=w.leader, title="下水道摸排", hour=0)
    b.join(survey, w.leader, minutes=60)
    b.report(survey, w.leader, ReportStatus.approved, quantity=3)
    found = b.finding(survey, w.leader, FindingKind.sewer)
    b.finding(survey, w.leader, FindingKind.sidewalk, FindingStatus.handed_over)
    b.finding(survey, w.leader, FindingKind.road, FindingStatus.fixed)
    db.session.commit()
    return Double(z1, z2, ads, survey_item, approved, pending, survey, found)
