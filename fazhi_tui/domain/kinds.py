"""The record kinds the plan asks a township to keep, described as data.

One description drives storage queries, validation, list columns and edit forms, so a
kind is declared once. Labels are i18n keys (``field.<kind>.<name>``) and choice labels
``choice.<set>.<code>``; the catalog lives in :mod:`fazhi_tui.base.i18n`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Field", "Kind", "Tenure", "KINDS", "KIND_ORDER", "kind", "CHOICES"]

# Language-neutral codes stored in the database, per choice set.
CHOICES: dict[str, tuple[str, ...]] = {
    "meeting_kind": ("deploy", "admin", "study", "lecture", "forum", "other"),
    "attendance": ("full", "partial", "absent"),
    "background": ("law_degree", "law_work", "other"),
    "power_type": ("penalty", "coercion", "inspection", "other"),
    "mode": ("empower", "entrust"),
    "item_status": ("taking", "taken", "deferred", "withdrawn"),
    "training_form": ("central", "onsite", "joint", "online"),
    "hearing_mode": ("online", "onsite"),
    "complaint_channel": ("phone", "letter", "online", "visit", "other"),
    "lawsuit_outcome": ("pending", "upheld", "lost", "withdrawn", "mediated"),
    "recommendation_source": ("court", "procuratorate"),
    "law_report_form": ("meeting", "written", "assessment"),
}

FIELD_TYPES = frozenset({"text", "longtext", "date", "choice", "bool", "int", "float", "ref", "refs"})


@dataclass(frozen=True)
class Field:
    """One field of a record kind."""

    name: str
    type: str
    required: bool = False
    choices: str | None = None  # key into CHOICES for type "choice"
    ref: str | None = None  # kind name for types "ref" / "refs"
    default: object = None
    list_width: int = 0  # > 0: shown as a list column this many cells wide
    only_if: tuple[str, object] | None = None  # (field, value): the field applies only then
    max_length: int = 200
    added: int = 1  # the schema migration that added the column (bundles of older townships lack it)

    def __post_init__(self) -> None:
        assert self.type in FIELD_TYPES, self.type
        assert (self.type == "choice") == (self.choices is not None), self.name
        assert (self.type in ("ref", "refs")) == (self.ref is not None), self.name


@dataclass(frozen=True)
class Tenure:
    """How a kind of person record says when the person was in post.

    ``start``: the first day (empty: always was). ``current``: a yes/no field, still in
    post. ``end``: the last day in post of one who is not current; empty means the day is
    not known (an old record: the form asks for it at the next edit), and then the person
    is counted in no period at all, as before the dates existed.
    """

    start: str
    end: str
    current: str


@dataclass(frozen=True)
class Kind:
    """A kind of record: its table, fields, list order and how to name one record."""

    name: str  # table name, also the i18n key suffix: kind.<name>
    fields: tuple[Field, ...]
    order_by: str  # SQL ORDER BY for lists (must end in a unique column)
    label_fields: tuple[str, ...]  # fields that name a record in pickers and messages
    search_fields: tuple[str, ...]  # text columns matched by the list filter
    tasks: tuple[str, ...] = field(default=())  # plan tasks this kind serves
    # The field that dates what the record says happened (a date, or a year read as its
    # 1 January): a record dated after the checklist day is planned, not held.
    held_by: str | None = None
    tenure: Tenure | None = None  # a kind of person: when each was in post

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def list_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.list_width)


F = Field

MEETING = Kind(
    name="meeting",
    fields=(
        F("kind", "choice", required=True, choices="meeting_kind", default="deploy", list_width=12),
        F("date", "date", required=True, list_width=10),
        F("title", "text", required=True, list_width=20),
        F("chair", "text"),
        F("attendees", "longtext", max_length=2000),
        F("minutes_no", "text", list_width=12),
        F("head_attendance", "choice", choices="attendance", only_if=("kind", "admin"), list_width=8),
        F("head_absence_reason", "text", only_if=("kind", "admin")),
        # the principal leader gave the law talk himself (T46: 主要负责同志每年讲法不少于1次)
        F("principal_speaker", "bool", default=False, added=6),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "title"),
    search_fields=("title", "chair", "attendees", "minutes_no", "notes"),
    tasks=("T40", "T46", "T49"),
    held_by="date",
)

STAFF = Kind(
    name="staff",
    fields=(
        F("name", "text", required=True, list_width=10, max_length=50),
        F("post", "text", list_width=10),
        F("background", "choice", required=True, choices="background", default="law_degree", list_width=12),
        F("education", "text", list_width=6),
        F("start_date", "date"),
        F("active", "bool", default=True, list_width=4),
        F("end_date", "date", only_if=("active", False), added=4),
        F("rule_of_law", "bool", default=True),
        F("leader", "bool", default=False, added=6),  # 领导干部: reports on the rule of law (T47)
        F("enforcement", "bool", default=False, list_width=4),
        F("cert_no", "text", max_length=50),
        F("cert_issued", "date"),
        F("cert_expiry", "date", list_width=10),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="name, uuid",
    label_fields=("name", "post"),
    search_fields=("name", "post", "education", "cert_no", "notes"),
    tasks=("T43", "T29", "T46", "T45", "T47", "T49"),
    tenure=Tenure(start="start_date", end="end_date", current="active"),
)

DELEGATED_ITEM = Kind(
    name="delegated_item",
    fields=(
        F("code", "text", required=True, list_width=10, max_length=50),
        F("name", "text", required=True, list_width=26),
        F("power_type", "choice", required=True, choices="power_type", default="penalty", list_width=8),
        F("legal_basis", "longtext", max_length=2000),
        F("department", "text", list_width=10),
        F("mode", "choice", required=True, choices="mode", default="empower"),
        F("delegated_on", "date"),
        F("status", "choice", required=True, choices="item_status", default="taking", list_width=6),
        F("status_reason", "text"),
        F("staff", "refs", ref="staff"),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="code, uuid",
    label_fields=("code", "name"),
    search_fields=("code", "name", "legal_basis", "department", "notes"),
    tasks=("T41",),
    held_by="delegated_on",
)

TRAINING = Kind(
    name="training",
    fields=(
        F("date", "date", required=True, list_width=10),
        F("title", "text", required=True, list_width=20),
        F("department", "text", list_width=10),
        F("form", "choice", required=True, choices="training_form", default="central", list_width=8),
        F("hours", "float", default=0, list_width=5),
        F("items", "refs", ref="delegated_item"),
        F("staff", "refs", ref="staff"),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "title"),
    search_fields=("title", "department", "notes"),
    tasks=("T42",),
    held_by="date",
)

HEARING = Kind(
    name="hearing",
    fields=(
        F("staff_uuid", "ref", required=True, ref="staff", list_width=10),
        F("date", "date", required=True, list_width=10),
        F("mode", "choice", required=True, choices="hearing_mode", default="online", list_width=6),
        F("court", "text", list_width=16),
        F("case_name", "text", list_width=20),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "case_name"),
    search_fields=("court", "case_name", "notes"),
    tasks=("T46",),
    held_by="date",
)

SERVICE_ITEM = Kind(
    name="service_item",
    fields=(
        F("name", "text", required=True, list_width=28),
        F("guide_published", "bool", default=False, list_width=12),
        F("procedure_done", "bool", default=False, list_width=12),
        F("handled_locally", "bool", default=False, list_width=10),
        F("year", "int", list_width=6, added=4),  # the year the item was first listed
        F("notes", "longtext", max_length=2000),
    ),
    order_by="name, uuid",
    label_fields=("name",),
    search_fields=("name", "notes"),
    tasks=("T44",),
    held_by="year",
)

ANNUAL_REPORT = Kind(
    name="annual_report",
    fields=(
        F("year", "int", required=True, list_width=8),
        F("sent_on", "date", list_width=10),
        F("published_on", "date", list_width=10),
        F("published_where", "text", list_width=24),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="year DESC, uuid",
    label_fields=("year",),
    search_fields=("published_where", "notes"),
    tasks=("T7",),
)

# -- the rest of a township's ledger (issue 15): a township is an enforcement body (T41) --

ENFORCEMENT_DECISION = Kind(  # 重大执法决定 and its legal review (T26)
    name="enforcement_decision",
    fields=(
        F("case_no", "text", required=True, list_width=22, max_length=50),
        F("date", "date", required=True, list_width=10),
        F("title", "text", required=True, list_width=24),
        F("reviewed", "bool", default=False, list_width=6),
        F("review_date", "date", only_if=("reviewed", True)),
        F("reviewer", "text", only_if=("reviewed", True), max_length=50),
        F("published", "bool", default=False, list_width=6),
        F("published_on", "date", only_if=("published", True)),
        F("published_where", "text", only_if=("published", True)),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("case_no", "title"),
    search_fields=("case_no", "title", "reviewer", "published_where", "notes"),
    tasks=("T26",),
    held_by="date",
)

SUPERVISION_CHECK = Kind(  # 执法监督检查 (T30)
    name="supervision_check",
    fields=(
        F("date", "date", required=True, list_width=10),
        F("title", "text", required=True, list_width=24),
        F("inspector", "text", list_width=14),
        F("findings", "longtext", max_length=2000),
        F("rectified", "bool", default=False, list_width=6),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "title"),
    search_fields=("title", "inspector", "findings", "notes"),
    tasks=("T30",),
    held_by="date",
)

COMPLAINT = Kind(  # 行政执法投诉举报 (T30)
    name="complaint",
    fields=(
        F("received_on", "date", required=True, list_width=10),
        F("channel", "choice", required=True, choices="complaint_channel", default="phone", list_width=8),
        F("subject", "text", required=True, list_width=30),
        F("closed_on", "date", list_width=10),
        F("outcome", "text"),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="received_on DESC, uuid",
    label_fields=("received_on", "subject"),
    search_fields=("subject", "outcome", "notes"),
    tasks=("T30",),
    held_by="received_on",
)

LAWSUIT = Kind(  # 行政诉讼案件, the township defendant (T37)
    name="lawsuit",
    fields=(
        F("case_no", "text", required=True, list_width=20, max_length=50),
        F("cause", "text", required=True, list_width=16),
        F("court", "text"),
        F("hearing_date", "date", list_width=10),
        F("head_appeared", "bool", default=False, list_width=6),
        F("appeared_who", "text", only_if=("head_appeared", True), max_length=50),
        F("outcome", "choice", required=True, choices="lawsuit_outcome", default="pending", list_width=6),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="hearing_date DESC, uuid",
    label_fields=("case_no", "cause"),
    search_fields=("case_no", "cause", "court", "appeared_who", "notes"),
    tasks=("T37",),
    held_by="hearing_date",
)

RECOMMENDATION = Kind(  # 司法建议、检察建议 (T39)
    name="recommendation",
    fields=(
        F("received_on", "date", required=True, list_width=10),
        F("source", "choice", required=True, choices="recommendation_source", default="court", list_width=8),
        F("organ", "text", list_width=16),
        F("doc_no", "text", max_length=50),
        F("subject", "text", required=True, list_width=20),
        F("replied_on", "date", list_width=10),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="received_on DESC, uuid",
    label_fields=("received_on", "subject"),
    search_fields=("organ", "doc_no", "subject", "notes"),
    tasks=("T39",),
    held_by="received_on",
)

OATH = Kind(  # 宪法宣誓, one row per person sworn in (T45)
    name="oath",
    fields=(
        F("staff_uuid", "ref", required=True, ref="staff", list_width=10),
        F("date", "date", required=True, list_width=10),
        F("occasion", "text", list_width=24),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "occasion"),
    search_fields=("occasion", "notes"),
    tasks=("T45",),
    held_by="date",
)

LAW_REPORT = Kind(  # 述法: a leader reports on rule-of-law duties (T47)
    name="law_report",
    fields=(
        F("staff_uuid", "ref", required=True, ref="staff", list_width=10),
        F("date", "date", required=True, list_width=10),
        F("form", "choice", required=True, choices="law_report_form", default="meeting", list_width=8),
        F("title", "text", list_width=36),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "title"),
    search_fields=("title", "notes"),
    tasks=("T47",),
    held_by="date",
)

EXAM_RESULT = Kind(  # 学法用法考试, one row per person (T49)
    name="exam_result",
    fields=(
        F("staff_uuid", "ref", required=True, ref="staff", list_width=10),
        F("date", "date", required=True, list_width=10),
        F("title", "text", list_width=28),
        F("score", "float", list_width=6),
        F("passed", "bool", default=True, list_width=6),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="date DESC, uuid",
    label_fields=("date", "title"),
    search_fields=("title", "notes"),
    tasks=("T49",),
    held_by="date",
)

LAW_LIST = Kind(  # 应知应会法律法规清单 (T49)
    name="law_list",
    fields=(
        F("issued_on", "date", required=True, list_width=10),
        F("title", "text", required=True, list_width=50),
        F("laws", "longtext", max_length=4000),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="issued_on DESC, uuid",
    label_fields=("issued_on", "title"),
    search_fields=("title", "laws", "notes"),
    tasks=("T49",),
    held_by="issued_on",
)

TRAINING_PLAN = Kind(  # 县直部门针对放权事项的培训计划 (T42)
    name="training_plan",
    fields=(
        F("issued_on", "date", required=True, list_width=10),
        F("department", "text", required=True, list_width=12),
        F("title", "text", required=True, list_width=44),
        F("items", "refs", ref="delegated_item"),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="issued_on DESC, uuid",
    label_fields=("issued_on", "title"),
    search_fields=("department", "title", "notes"),
    tasks=("T42",),
    held_by="issued_on",
)

LAW_OFFICE = Kind(  # 乡镇法治建设工作机构, the township's profile (T43)
    name="law_office",
    fields=(
        F("name", "text", required=True, list_width=22),
        F("set_up_on", "date", required=True, list_width=10),
        F("document_no", "text", list_width=18, max_length=50),
        F("head", "text", list_width=10, max_length=50),
        F("current", "bool", default=True, list_width=6),
        F("notes", "longtext", max_length=2000),
    ),
    order_by="set_up_on DESC, uuid",
    label_fields=("name",),
    search_fields=("name", "document_no", "head", "notes"),
    tasks=("T43",),
    held_by="set_up_on",
)

KIND_ORDER: tuple[Kind, ...] = (
    MEETING, STAFF, DELEGATED_ITEM, TRAINING, HEARING, SERVICE_ITEM, ANNUAL_REPORT,
    ENFORCEMENT_DECISION, SUPERVISION_CHECK, COMPLAINT, LAWSUIT, RECOMMENDATION, OATH, LAW_REPORT,
    EXAM_RESULT, LAW_LIST, TRAINING_PLAN, LAW_OFFICE,
)
KINDS: dict[str, Kind] = {k.name: k for k in KIND_ORDER}

for _k in KIND_ORDER:  # a kind's dating and tenure fields exist, of the right types
    if _k.held_by:
        assert _k.field(_k.held_by).type in ("date", "int"), _k.name
    if _k.tenure:
        assert _k.field(_k.tenure.start).type == _k.field(_k.tenure.end).type == "date", _k.name
        assert _k.field(_k.tenure.current).type == "bool", _k.name


def kind(name: str) -> Kind:
    """The kind called ``name`` (KeyError if there is none)."""
    return KINDS[name]
