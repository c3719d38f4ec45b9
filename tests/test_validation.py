import datetime as dt

import pytest

from fazhi_tui.domain.kinds import KINDS, kind
from fazhi_tui.domain.validation import Limits, Problem, validate

MEETING, STAFF, ITEM, TRAINING, HEARING, SERVICE, REPORT = (
    kind(n) for n in ("meeting", "staff", "delegated_item", "training", "hearing", "service_item", "annual_report")
)


def valid_raw(name, store, actor):
    """A record of kind ``name`` as a clerk would type it, valid on 2026-11-27."""
    if name == "meeting":
        return {"kind": "deploy", "date": "2026-03-05", "title": "专题研究部署法治政府建设", "chair": "王镇长"}
    if name == "staff":
        return {
            "name": "李娜",
            "post": "司法所所长",
            "background": "law_degree",
            "start_date": "2020-01-01",
            "active": True,
            "enforcement": True,
            "cert_no": "64030200123",
            "cert_issued": "2024-01-01",
            "cert_expiry": "2029-01-01",
        }
    if name == "delegated_item":
        return {"code": "XZCF-001", "name": "对违法占地的处罚", "power_type": "penalty", "mode": "empower", "status": "taken"}
    if name == "training":
        return {"date": "2026-05-10", "title": "执法业务培训", "form": "onsite", "hours": "2.5"}
    if name == "hearing":
        person = store.insert(STAFF, {"name": "张三", "background": "law_work"}, actor)
        return {"staff_uuid": person, "date": "2026-06-01", "mode": "online", "court": "利通区人民法院"}
    if name == "service_item":
        return {"name": "农村宅基地审批", "guide_published": True}
    if name == "annual_report":
        return {"year": "2025", "sent_on": "2026-02-10", "published_on": "2026-03-20", "published_where": "政府网站"}
    if name == "enforcement_decision":
        return {"case_no": "金执罚〔2026〕3号", "date": "2026-04-02", "title": "对违法建设的罚款决定", "reviewed": True,
                "review_date": "2026-03-30", "reviewer": "马丽", "published": True, "published_on": "2026-04-08"}
    if name == "supervision_check":
        return {"date": "2026-06-12", "title": "行政执法案卷评查", "inspector": "利通区司法局"}
    if name == "complaint":
        return {"received_on": "2026-05-03", "channel": "phone", "subject": "执法人员未出示证件", "closed_on": "2026-05-20"}
    if name == "lawsuit":
        return {"case_no": "(2026)宁0302行初12号", "cause": "不服行政处罚", "hearing_date": "2026-07-01",
                "head_appeared": True, "appeared_who": "王镇长", "outcome": "upheld"}
    if name == "recommendation":
        return {"received_on": "2026-03-01", "source": "procuratorate", "organ": "利通区人民检察院",
                "subject": "加强农村环境整治监管", "replied_on": "2026-04-15"}
    if name in ("oath", "law_report", "exam_result"):
        person = store.insert(STAFF, {"name": "张三", "background": "law_work"}, actor)
        extra = {"oath": {"occasion": "任职宣誓"}, "law_report": {"form": "meeting", "title": "2026年度述法"},
                 "exam_result": {"title": "学法用法考试", "score": "92", "passed": True}}[name]
        return {"staff_uuid": person, "date": "2026-06-01", **extra}
    if name == "law_list":
        return {"issued_on": "2026-02-01", "title": "2026年应知应会法律法规清单", "laws": "宪法\n民法典"}
    if name == "training_plan":
        return {"issued_on": "2026-01-15", "department": "区自然资源局", "title": "下放事项培训计划"}
    if name == "law_office":
        return {"name": "金星镇法治建设办公室", "set_up_on": "2023-03-01", "document_no": "金党发〔2023〕5号"}
    raise AssertionError(name)


def check(kind_, raw, store, today, **kw):
    return validate(kind_, raw, today=today, lookup=store, **kw)


def insert_valid(kind_, raw, store, actor, today):
    result = check(kind_, raw, store, today)
    assert result.ok, result.problems
    return store.insert(kind_, result.values, actor)


@pytest.mark.parametrize("name", list(KINDS))
def test_valid_record_of_every_kind_passes_and_stores(name, store, actor, today):
    result = check(KINDS[name], valid_raw(name, store, actor), store, today)
    assert result.ok, result.problems
    assert set(result.values) == set(KINDS[name].columns)
    uuid = store.insert(KINDS[name], result.values, actor)
    assert store.get(KINDS[name], uuid)["uuid"] == uuid


def test_values_are_cleaned(store, actor, today):
    raw = {**valid_raw("meeting", store, actor), "date": "２０２６年３月５日", "title": "  专题会议  ", "notes": None}
    result = check(MEETING, raw, store, today)
    assert result.ok
    assert result.values["date"] == "2026-03-05"
    assert result.values["title"] == "专题会议"
    assert result.values["notes"] == ""
    report = check(REPORT, {"year": " ２０２５ "}, store, today)
    assert report.ok and report.values["year"] == 2025
    training = check(TRAINING, valid_raw("training", store, actor), store, today)
    assert training.values["hours"] == 2.5


@pytest.mark.parametrize(
    "name, field",
    [
        ("meeting", "title"),
        ("meeting", "date"),
        ("staff", "name"),
        ("delegated_item", "code"),
        ("delegated_item", "name"),
        ("training", "title"),
        ("hearing", "staff_uuid"),
        ("service_item", "name"),
        ("annual_report", "year"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_empty_required_field(name, field, blank, store, actor, today):
    raw = {**valid_raw(name, store, actor), field: blank}
    result = check(KINDS[name], raw, store, today)
    assert result.problems == {field: Problem("err.required")}


def test_required_choice_left_out_uses_default(store, today):
    result = check(MEETING, {"date": "2026-01-01", "title": "会议"}, store, today)
    assert result.ok and result.values["kind"] == "deploy"


def test_unknown_choice_refused(store, actor, today):
    result = check(MEETING, {**valid_raw("meeting", store, actor), "kind": "party"}, store, today)
    assert result.problems == {"kind": Problem("err.choice")}


def test_impossible_and_malformed_dates(store, actor, today):
    result = check(MEETING, {**valid_raw("meeting", store, actor), "date": "2023-02-29"}, store, today)
    assert result.problems == {"date": Problem("err.date_impossible", {"text": "2023-02-29"})}
    result = check(MEETING, {**valid_raw("meeting", store, actor), "date": "去年三月"}, store, today)
    assert result.problems == {"date": Problem("err.date_format", {"text": "去年三月"})}


def test_meeting_too_far_ahead(store, actor, today):
    limits = Limits(future_meeting_days=30)
    edge = (today + dt.timedelta(days=30)).isoformat()
    beyond = (today + dt.timedelta(days=31)).isoformat()
    assert check(MEETING, {**valid_raw("meeting", store, actor), "date": edge}, store, today, limits=limits).ok
    result = check(MEETING, {**valid_raw("meeting", store, actor), "date": beyond}, store, today, limits=limits)
    assert result.problems == {"date": Problem("err.date_too_far", {"days": 30})}
    # the default limit is a year and a day
    assert not check(MEETING, {**valid_raw("meeting", store, actor), "date": "2027-12-01"}, store, today).ok


def admin(**extra):
    return {"kind": "admin", "date": "2026-04-01", "title": "镇政府行政会议", **extra}


def test_admin_meeting_needs_head_attendance(store, today):
    assert check(MEETING, admin(), store, today).problems == {"head_attendance": Problem("err.attendance_required")}
    assert check(MEETING, admin(head_attendance="full"), store, today).ok


@pytest.mark.parametrize("attendance", ["partial", "absent"])
def test_partial_or_absent_needs_reason(attendance, store, today):
    result = check(MEETING, admin(head_attendance=attendance), store, today)
    assert result.problems == {"head_absence_reason": Problem("err.reason_required")}
    result = check(MEETING, admin(head_attendance=attendance, head_absence_reason="   "), store, today)
    assert result.problems == {"head_absence_reason": Problem("err.reason_required")}
    result = check(MEETING, admin(head_attendance=attendance, head_absence_reason="外出办案"), store, today)
    assert result.ok and result.values["head_absence_reason"] == "外出办案"


@pytest.mark.parametrize("meeting_kind", ["deploy", "study", "lecture", "forum", "other"])
def test_head_attendance_cleared_for_other_meetings(meeting_kind, store, today):
    raw = {**admin(head_attendance="absent", head_absence_reason="出差"), "kind": meeting_kind}
    result = check(MEETING, raw, store, today)
    assert result.ok
    assert result.values["head_attendance"] is None
    assert result.values["head_absence_reason"] == ""
    # a bad value in a field that does not apply is not a problem either
    assert check(MEETING, {**raw, "head_attendance": "nonsense"}, store, today).ok


def test_expiry_before_issue(store, actor, today):
    raw = {**valid_raw("staff", store, actor), "cert_issued": "2025-01-01", "cert_expiry": "2024-12-31"}
    assert check(STAFF, raw, store, today).problems == {"cert_expiry": Problem("err.expiry_before_issue")}


def test_certificate_dates_and_number_go_together(store, actor, today):
    raw = valid_raw("staff", store, actor)
    assert check(STAFF, {**raw, "cert_expiry": ""}, store, today).problems == {"cert_expiry": Problem("err.expiry_required")}
    assert check(STAFF, {**raw, "cert_no": ""}, store, today).problems == {"cert_no": Problem("err.cert_no_required")}
    assert check(STAFF, {**raw, "cert_issued": "2026-12-01"}, store, today).problems == {"cert_issued": Problem("err.date_in_future")}


def test_duplicate_certificate_number(store, actor, today):
    raw = valid_raw("staff", store, actor)
    first = insert_valid(STAFF, raw, store, actor, today)
    # another person with the same number
    result = check(STAFF, {**raw, "name": "王五"}, store, today)
    assert result.problems == {"cert_no": Problem("err.duplicate_cert", {"value": "64030200123"})}
    # surrounding spaces do not hide the clash
    result = check(STAFF, {**raw, "name": "王五", "cert_no": " 64030200123 "}, store, today)
    assert "cert_no" in result.problems
    # editing the same person does not trip over itself
    assert check(STAFF, {**raw, "post": "副所长"}, store, today, uuid=first).ok
    # once that person is deleted, the number is free again
    store.tombstone(STAFF, first, actor)
    assert check(STAFF, {**raw, "name": "王五"}, store, today).ok


def test_duplicate_delegated_item_code(store, actor, today):
    raw = valid_raw("delegated_item", store, actor)
    first = insert_valid(ITEM, raw, store, actor, today)
    result = check(ITEM, {**raw, "name": "另一事项"}, store, today)
    assert result.problems == {"code": Problem("err.duplicate_code", {"value": "XZCF-001"})}
    assert check(ITEM, {**raw, "name": "改名"}, store, today, uuid=first).ok
    assert check(ITEM, {**raw, "code": "XZCF-002"}, store, today).ok
    store.tombstone(ITEM, first, actor)
    assert check(ITEM, raw, store, today).ok


@pytest.mark.parametrize("status", ["deferred", "withdrawn"])
def test_deferred_or_withdrawn_needs_reason(status, store, actor, today):
    raw = {**valid_raw("delegated_item", store, actor), "status": status}
    assert check(ITEM, raw, store, today).problems == {"status_reason": Problem("err.reason_required")}
    assert check(ITEM, {**raw, "status_reason": "人员不足"}, store, today).ok


def test_duplicate_annual_report_year(store, actor, today):
    raw = valid_raw("annual_report", store, actor)
    first = insert_valid(REPORT, raw, store, actor, today)
    assert check(REPORT, raw, store, today).problems == {"year": Problem("err.duplicate_year", {"value": 2025})}
    assert check(REPORT, {**raw, "published_where": "公众号"}, store, today, uuid=first).ok
    assert check(REPORT, {**raw, "year": "2024", "sent_on": "", "published_on": ""}, store, today).ok
    store.tombstone(REPORT, first, actor)
    assert check(REPORT, raw, store, today).ok


def test_annual_report_year_and_dates(store, actor, today):
    raw = valid_raw("annual_report", store, actor)
    assert check(REPORT, {**raw, "year": "2027"}, store, today).problems == {
        "year": Problem("err.year_range", {"low": 2000, "high": 2026})
    }
    assert check(REPORT, {**raw, "year": "1999"}, store, today).problems["year"].key == "err.year_range"
    assert check(REPORT, {**raw, "year": "二〇二五"}, store, today).problems == {"year": Problem("err.integer")}
    assert check(REPORT, {**raw, "sent_on": "2024-12-31"}, store, today).problems == {
        "sent_on": Problem("err.before_report_year", {"year": 2025})
    }
    assert check(REPORT, {**raw, "published_on": "2026-12-01"}, store, today).problems == {
        "published_on": Problem("err.date_in_future")
    }


def test_hearing_refers_to_live_person(store, actor, today):
    raw = valid_raw("hearing", store, actor)
    assert check(HEARING, raw, store, today).ok
    assert check(HEARING, {**raw, "staff_uuid": "no-such-uuid"}, store, today).problems == {
        "staff_uuid": Problem("err.ref_missing")
    }
    store.tombstone(STAFF, raw["staff_uuid"], actor)
    assert check(HEARING, raw, store, today).problems == {"staff_uuid": Problem("err.ref_missing")}


def test_hearing_not_in_future(store, actor, today):
    raw = {**valid_raw("hearing", store, actor), "date": "2026-11-28"}
    assert check(HEARING, raw, store, today).problems == {"date": Problem("err.date_in_future")}
    assert check(HEARING, {**raw, "date": "2026-11-27"}, store, today).ok


def test_refs_to_missing_or_tombstoned_records(store, actor, today):
    people = [store.insert(STAFF, {"name": n, "background": "other"}, actor) for n in ("甲", "乙", "丙")]
    item = insert_valid(ITEM, valid_raw("delegated_item", store, actor), store, actor, today)
    raw = {**valid_raw("training", store, actor), "staff": people, "items": [item]}
    result = check(TRAINING, raw, store, today)
    assert result.ok and result.values["staff"] == people and result.values["items"] == [item]
    # duplicates are dropped, order kept
    assert check(TRAINING, {**raw, "staff": [people[1], people[0], people[1]]}, store, today).values["staff"] == [people[1], people[0]]
    store.tombstone(STAFF, people[0], actor)
    store.tombstone(STAFF, people[2], actor)
    result = check(TRAINING, {**raw, "items": [item, "gone"]}, store, today)
    assert result.problems == {
        "staff": Problem("err.refs_missing", {"count": 2}),
        "items": Problem("err.refs_missing", {"count": 1}),
    }
    # a staff uuid is not a delegated item
    assert check(TRAINING, {**raw, "staff": [], "items": [people[1]]}, store, today).problems == {
        "items": Problem("err.refs_missing", {"count": 1})
    }
    # refs of delegated items too
    assert check(ITEM, {**valid_raw("delegated_item", store, actor), "code": "X2", "staff": [people[0]]}, store, today).problems == {
        "staff": Problem("err.refs_missing", {"count": 1})
    }


@pytest.mark.parametrize(
    "hours, problem",
    [
        ("-1", Problem("err.number_range", {"low": 0, "high": 1000})),
        ("1001", Problem("err.number_range", {"low": 0, "high": 1000})),
        ("nan", Problem("err.number_range", {"low": 0, "high": 1000})),
        ("inf", Problem("err.number_range", {"low": 0, "high": 1000})),
        ("两小时", Problem("err.number")),
        ("2h", Problem("err.number")),
    ],
)
def test_hours_out_of_range(hours, problem, store, actor, today):
    result = check(TRAINING, {**valid_raw("training", store, actor), "hours": hours}, store, today)
    assert result.problems == {"hours": problem}


@pytest.mark.parametrize("hours, value", [("0", 0.0), ("1000", 1000.0), ("１．５", 1.5), ("", 0.0), (3, 3.0)])
def test_hours_in_range(hours, value, store, actor, today):
    result = check(TRAINING, {**valid_raw("training", store, actor), "hours": hours}, store, today)
    assert result.ok and result.values["hours"] == value


def test_too_long_text(store, actor, today):
    raw = valid_raw("meeting", store, actor)
    assert check(MEETING, {**raw, "title": "会" * 200}, store, today).ok
    assert check(MEETING, {**raw, "title": "会" * 201}, store, today).problems == {"title": Problem("err.too_long", {"max": 200})}
    assert check(MEETING, {**raw, "notes": "记" * 2001}, store, today).problems == {"notes": Problem("err.too_long", {"max": 2000})}
    staff = valid_raw("staff", store, actor)
    assert check(STAFF, {**staff, "name": "名" * 51}, store, today).problems == {"name": Problem("err.too_long", {"max": 50})}


def test_several_problems_at_once(store, today):
    result = check(MEETING, {"kind": "admin", "date": "2023-02-29", "title": ""}, store, today)
    assert set(result.problems) == {"date", "title", "head_attendance"}
    assert not result.ok
