"""All models, importable from one place (Alembic autogenerate needs them loaded)."""
from .audit import AuditEvent
from .backfill_requests import BackfillRequest, RequestStatus
from .findings import (
    OPEN_FINDING,
    CountedFinding,
    CountedFindingCommunityYear,
    CountedFindingMonth,
    Finding,
    FindingKind,
    FindingStatus,
)
from .funds import FundEntry
from .needs import LIVE_NEEDS, Need, NeedKind, NeedStatus
from .lists import ListsVersion
from .invitations import Invitation, InvitationPurpose
from .onsite import Photo
from .people import Member, Role, RollPeriod, Unit, liaison_community
from .places import Community, Zone
from .reminders import (
    WEBHOOK_CHANNELS,
    Channel,
    CommunityWebhook,
    MemberNotify,
    Outbox,
    OutboxStatus,
    ReminderNewsStart,
    ReminderOptOut,
)
from .residents import Resident, ResidentCategory, resident_member, task_resident
from .summaries import SummaryCopy, SummaryNote, SummaryScope, summary_copy_community
from .waitlist import WaitlistEntry, WaitStatus
from .security import LoginSession, SubmissionToken, ThrottleHit
from .tallies import FindingTally
from .work import (
    FUNDING_CODE,
    HOLDING,
    SURVEY_CODE,
    Assignment,
    AssignmentStatus,
    Category,
    CountedCategoryMemberTotal,
    CountedDoubleCommunityYear,
    CountedDoubleMemberAnyYear,
    CountedItemYear,
    CountedDoubleMemberYear,
    CountedMemberCategoryYear,
    CountedMemberYear,
    CountedMonth,
    CountedParticipation,
    CountedTask,
    ReportStatus,
    ResourceItem,
    Section,
    TargetMeasure,
    Task,
    TaskReport,
    TaskStatus,
)

__all__ = [
    "HOLDING",
    "Assignment",
    "AssignmentStatus",
    "AuditEvent",
    "BackfillRequest",
    "Category",
    "Channel",
    "CommunityWebhook",
    "Community",
    "CountedCategoryMemberTotal",
    "CountedDoubleCommunityYear",
    "CountedDoubleMemberAnyYear",
    "CountedItemYear",
    "CountedDoubleMemberYear",
    "CountedFinding",
    "CountedFindingCommunityYear",
    "CountedFindingMonth",
    "CountedMemberCategoryYear",
    "CountedMemberYear",
    "CountedMonth",
    "CountedParticipation",
    "CountedTask",
    "FundEntry",
    "FindingTally",
    "ListsVersion",
    "LoginSession",
    "Member",
    "LIVE_NEEDS",
    "Need",
    "NeedKind",
    "NeedStatus",
    "MemberNotify",
    "Outbox",
    "OutboxStatus",
    "ReminderNewsStart",
    "ReminderOptOut",
    "ReportStatus",
    "RequestStatus",
    "ResourceItem",
    "Role",
    "RollPeriod",
    "Section",
    "SubmissionToken",
    "SummaryCopy",
    "SummaryNote",
    "SummaryScope",
    "TargetMeasure",
    "Task",
    "TaskReport",
    "TaskStatus",
    "ThrottleHit",
    "WaitStatus",
    "WaitlistEntry",
    "Unit",
    "WEBHOOK_CHANNELS",
    "Zone",
    "liaison_community",
    "summary_copy_community",
]
