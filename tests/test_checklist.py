"""The checklist rule engine: the built-in rules against hand-built records, boundaries,
tombstones, and the refusal of bad rule files with the right line number."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from fazhi_tui.domain.checklist import (
    RuleFileError,
    RuleResult,
    RuleSet,
    builtin_rules,
    builtin_rules_text,
    evaluate,
    load_rules,
)
from fazhi_tui.domain.kinds import KINDS

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"

# The checklist dates most tests use: 2025 is over, the 2026 one is early in the year.
AFTER_2025 = dt.date(2026, 1, 10)

_ids = itertools.count(1)


def rec(kind_name: str, uuid: str | None = None, /, *, deleted: bool = False, **values) -> dict:
    """A record as the store returns it: every column, defaults filled in, live unless ``deleted``."""
    row: dict = {}
    for f in KINDS[kind_name].fields:
        if f.type in ("text", "longtext"):
            row[f.name] = f.default if f.default is not None else ""
        elif f.type == "refs":
            row[f.name] = []
        else:
            row[f.name] = f.default
    unknown = set(values) - set(row)
    assert not unknown, unknown
    row.update(values)
    row["uuid"] = uuid or f"{kind_name}-{next(_ids)}"
    assert row["uuid"].split("-")[0] == kind_name, row["uuid"]
    row["deleted_at"] = "2026-01-01T00:00:00.000000Z" if deleted else None
    return row


def meeting(uuid: str, kind: str, date: str, **values) -> dict:
    if kind == "admin":
        values.setdefault("head_attendance", "full")
    return rec("meeting", uuid, kind=kind, date=date, title=f"{kind} {date}", **values)


def staff(uuid: str, **values) -> dict:
    return rec("staff", uuid, name=uuid, **values)


def run(
    *records: dict, year: int = 2025, on: dt.date = AFTER_2025, rules: RuleSet | None = None, **kw
) -> dict[str, RuleResult]:
    """Evaluate ``rules`` (default: the built-in ones) over records whose uuids start with their kind."""
    grouped: dict[str, list[dict]] = {name: [] for name in KINDS}
    for r in records:
        grouped[r["uuid"].split("-")[0]].append(r)
    results = evaluate(rules or builtin_rules(), grouped, year=year, on=on, **kw)
    return {r.rule.id: r for r in results}


def check(result: RuleResult, status: str, actual, target, proving=(), breaking=(), **extra) -> None:
    assert (result.status, result.actual, result.target) == (status, actual, target), result
    assert result.proving == tuple(proving), result
    assert result.breaking == tuple(breaking), result
    for name, value in extra.items():
        assert getattr(result, name) == value, (name, result)


def custom(body: str) -> RuleSet:
    return load_rules("version = 1\n" + body)


# --------------------------------------------------------------------------- the built-in file


def test_builtin_rules_load_and_are_cached():
    rules = builtin_rules()
    assert builtin_rules() is rules
    assert rules.version == 1
    assert [r.id for r in rules.rules] == [
        "T40-deploy", "T40-head", "T41", "T42", "T43", "T29",
        "T46-study", "T46-lecture", "T46-hearing", "T49", "T44", "T44-local", "T7",
        "T26-review", "T26-publish", "T30-check", "T30-complaints", "T37", "T39", "T45",
        "T46-leader", "T47", "T49-exam", "T49-list", "T42-plan", "T43-office",
    ]
    assert rules.enabled == rules.rules
    for rule in rules.rules:
        assert re.fullmatch(r"T\d+", rule.task)
        assert rule.name and rule.name_en and rule.quote
        assert rule.line is not None and builtin_rules_text().splitlines()[rule.line - 1] == "[[rule]]"


def test_builtin_rules_cite_every_task_of_the_plan_a_township_serves():
    tasks = [r.task for r in builtin_rules().rules]
    for task in ("T40", "T41", "T42", "T43", "T29", "T44", "T49", "T7"):
        assert task in tasks
    assert tasks.count("T46") == 4
    assert tasks.count("T40") == 2


def test_builtin_thresholds_are_the_plans():
    rules = {r.id: r for r in builtin_rules().rules}
    assert {i: rules[i].min for i in ("T40-deploy", "T46-study", "T46-lecture", "T49")} == {
        "T40-deploy": 1, "T46-study": 4, "T46-lecture": 2, "T49": 2,
    }
    assert {i: rules[i].target for i in ("T40-head", "T43", "T44")} == {"T40-head": 100, "T43": 100, "T44": 100}
    assert rules["T7"].deadlines == (("sent_on", "02-20"), ("published_on", "04-01"))
    assert rules["T7"].year_offset == -1


@pytest.mark.skipif(not SEED.is_dir(), reason="the seed plan is not next to the repository")
def test_every_quote_is_the_plans_own_words():
    plan = "".join(p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt")))
    assert plan
    for rule in builtin_rules().rules:
        assert rule.quote in plan, rule.id
        number = rule.task[1:]
        # the quote comes from the task it cites
        start = plan.index(f"\n{number}.")
        end = plan.find(f"\n{int(number) + 1}.", start)
        assert rule.quote in plan[start:end if end > 0 else None], rule.id


def test_evaluate_gives_one_result_per_enabled_rule_in_file_order():
    text = builtin_rules_text().replace('id = "T42"\n', 'id = "T42"\nenabled = false\n')
    rules = load_rules(text)
    assert len(rules.rules) == 26 and len(rules.enabled) == 25
    results = evaluate(rules, {}, year=2025, on=AFTER_2025)
    assert [r.rule.id for r in results] == [r.id for r in rules.enabled]
    assert "T42" not in [r.rule.id for r in results]


# --------------------------------------------------------------------------- T40: deploy meeting (count)


def test_t40_deploy_met_by_one_dedicated_meeting():
    r = run(meeting("meeting-d1", "deploy", "2025-03-01"), meeting("meeting-x", "other", "2025-03-02"))["T40-deploy"]
    check(r, "met", 1, 1, proving=["meeting-d1"], unit="count", evidence_kind="meeting")
    assert r.period == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_t40_deploy_missed_by_one_when_the_year_is_over():
    r = run(meeting("meeting-a", "admin", "2025-03-01"), meeting("meeting-s", "study", "2025-04-01"))["T40-deploy"]
    check(r, "not_met", 0, 1)


def test_t40_deploy_boundaries_31_december_and_1_january():
    records = (meeting("meeting-dec31", "deploy", "2025-12-31"), meeting("meeting-jan1", "deploy", "2026-01-01"))
    on = dt.date(2026, 3, 1)
    check(run(*records, year=2025, on=on)["T40-deploy"], "met", 1, 1, proving=["meeting-dec31"])
    check(run(*records, year=2026, on=on)["T40-deploy"], "met", 1, 1, proving=["meeting-jan1"])
    check(run(records[0], year=2026, on=on)["T40-deploy"], "not_met", 0, 1)
    check(run(records[1], year=2025, on=on)["T40-deploy"], "not_met", 0, 1)


def test_t40_deploy_tombstoned_meeting_does_not_count():
    r = run(meeting("meeting-gone", "deploy", "2025-05-01", deleted=True))["T40-deploy"]
    check(r, "not_met", 0, 1)


def test_count_at_risk_once_two_thirds_of_the_year_have_passed():
    # 2026 has 365 days; 1 September is day 244 > 2/3 × 365 = 243.3
    check(run(year=2026, on=dt.date(2026, 8, 31))["T40-deploy"], "not_met", 0, 1)
    check(run(year=2026, on=dt.date(2026, 9, 1))["T40-deploy"], "at_risk", 0, 1)
    check(run(year=2026, on=dt.date(2026, 12, 31))["T40-deploy"], "at_risk", 0, 1)
    check(run(year=2026, on=dt.date(2027, 1, 1))["T40-deploy"], "not_met", 0, 1)
    check(run(year=2026, on=dt.date(2026, 3, 1), at_risk_fraction=0.1)["T40-deploy"], "at_risk", 0, 1)


def test_a_year_that_has_not_started_is_not_applicable():
    results = run(meeting("meeting-d", "deploy", "2026-01-01"), year=2026, on=dt.date(2025, 12, 31))
    assert {r.status for r in results.values()} == {"not_applicable"}
    check(results["T40-deploy"], "not_applicable", 0, 1)


# --------------------------------------------------------------------------- T40: head attends in full (share)


def test_t40_head_met_when_every_admin_meeting_attended_in_full():
    r = run(
        meeting("meeting-a2", "admin", "2025-06-01"),
        meeting("meeting-a1", "admin", "2025-02-01"),
        meeting("meeting-d", "deploy", "2025-02-01"),
    )["T40-head"]
    check(r, "met", 100.0, 100, proving=["meeting-a1", "meeting-a2"], unit="percent", total=2, note="2/2")


def test_t40_head_partial_attendance_breaks_it():
    r = run(
        meeting("meeting-a1", "admin", "2025-02-01"),
        meeting("meeting-a2", "admin", "2025-03-01", head_attendance="partial", head_absence_reason="公务"),
        meeting("meeting-a3", "admin", "2025-04-01"),
        meeting("meeting-a4", "admin", "2025-05-01"),
    )["T40-head"]
    check(r, "not_met", 75.0, 100, proving=["meeting-a1", "meeting-a3", "meeting-a4"], breaking=["meeting-a2"], total=4)


def test_t40_head_absent_breaks_it_and_counts_only_this_years_live_meetings():
    r = run(
        meeting("meeting-a1", "admin", "2025-12-31"),
        meeting("meeting-a2", "admin", "2025-11-01", head_attendance="absent", head_absence_reason="病假"),
        meeting("meeting-old", "admin", "2024-12-31", head_attendance="absent", head_absence_reason="x"),
        meeting("meeting-new", "admin", "2026-01-01", head_attendance="partial", head_absence_reason="x"),
        meeting("meeting-gone", "admin", "2025-05-01", head_attendance="partial", head_absence_reason="x", deleted=True),
    )["T40-head"]
    check(r, "not_met", 50.0, 100, proving=["meeting-a1"], breaking=["meeting-a2"], total=2)


def test_t40_head_without_admin_meetings_is_not_applicable():
    check(run(meeting("meeting-d", "deploy", "2025-02-01"))["T40-head"], "not_applicable", 0, 100, total=0)


# --------------------------------------------------------------------------- T41: delegated items (every)


def item(uuid: str, status: str, **values) -> dict:
    return rec("delegated_item", uuid, code=uuid, name=uuid, status=status, **values)


def test_t41_met_when_taken_with_staff_or_deferred_with_reason():
    r = run(
        staff("staff-1"),
        item("delegated_item-1", "taken", staff=["staff-1"]),
        item("delegated_item-2", "deferred", status_reason="人员未到位"),
        item("delegated_item-3", "withdrawn", status_reason="县级收回"),
    )["T41"]
    check(
        r, "met", 3, 3,
        proving=["delegated_item-1", "delegated_item-2", "delegated_item-3"],
        unit="all", total=3, evidence_kind="delegated_item",
    )


def test_t41_missed_by_one_item_without_staff():
    r = run(
        staff("staff-1"),
        item("delegated_item-1", "taken", staff=["staff-1"]),
        item("delegated_item-2", "taken"),
    )["T41"]
    check(r, "not_met", 1, 2, proving=["delegated_item-1"], breaking=["delegated_item-2"], total=2)


@pytest.mark.parametrize(
    "values",
    [
        {"status": "taking"},  # still being taken on, and no one assigned
        {"status": "deferred"},  # no reason
        {"status": "withdrawn", "status_reason": "   "},  # blank reason
        {"status": "taken", "staff": ["staff-gone"]},  # the only person assigned was deleted
    ],
)
def test_t41_items_that_break_it(values):
    r = run(staff("staff-1"), staff("staff-gone", deleted=True), item("delegated_item-1", **values))["T41"]
    check(r, "not_met", 0, 1, breaking=["delegated_item-1"])


def test_t41_tombstoned_item_is_not_in_the_population():
    r = run(item("delegated_item-1", "deferred", status_reason="x"), item("delegated_item-2", "taken", deleted=True))["T41"]
    check(r, "met", 1, 1, proving=["delegated_item-1"], total=1)
    check(run(item("delegated_item-2", "taken", deleted=True))["T41"], "not_applicable", 0, 0)


# --------------------------------------------------------------------------- T42: training per item (every + link)


def training(uuid: str, date: str, items: list[str], **values) -> dict:
    return rec("training", uuid, date=date, title=uuid, items=items, **values)


def test_t42_met_when_every_active_item_has_a_training_of_any_date():
    r = run(
        item("delegated_item-1", "taking"),
        item("delegated_item-2", "taken", staff=["staff-1"]),
        item("delegated_item-3", "deferred", status_reason="x"),  # not active: needs none
        training("training-1", "2023-05-01", ["delegated_item-1"]),
        training("training-2", "2025-05-01", ["delegated_item-2", "delegated_item-1"], form="onsite"),
    )["T42"]
    check(r, "met", 2, 2, proving=["delegated_item-1", "delegated_item-2"], total=2)


def test_t42_missed_by_one_item_without_training():
    r = run(
        item("delegated_item-1", "taking"),
        item("delegated_item-2", "taken"),
        training("training-1", "2025-05-01", ["delegated_item-1"]),
    )["T42"]
    check(r, "not_met", 1, 2, proving=["delegated_item-1"], breaking=["delegated_item-2"])


def test_t42_a_tombstoned_training_is_no_link_and_a_tombstoned_item_no_member():
    r = run(
        item("delegated_item-1", "taking"),
        item("delegated_item-2", "taking", deleted=True),
        training("training-1", "2025-05-01", ["delegated_item-1"], deleted=True),
    )["T42"]
    check(r, "not_met", 0, 1, breaking=["delegated_item-1"], total=1)


# --------------------------------------------------------------------------- T43: staff background (share)


def test_t43_met_when_all_rule_of_law_staff_have_a_law_background():
    r = run(
        staff("staff-1", background="law_degree"),
        staff("staff-2", background="law_work"),
        staff("staff-3", background="other", rule_of_law=False),  # not doing rule-of-law work
        staff("staff-4", background="other", active=False),  # left
        staff("staff-5", background="other", deleted=True),
    )["T43"]
    check(r, "met", 100.0, 100, proving=["staff-1", "staff-2"], total=2)


def test_t43_missed_by_one_person_without_background():
    r = run(
        staff("staff-1", background="law_degree"),
        staff("staff-2", background="law_work"),
        staff("staff-3", background="other"),
    )["T43"]
    check(r, "not_met", 66.7, 100, proving=["staff-1", "staff-2"], breaking=["staff-3"], total=3, note="2/3")


def test_share_target_set_by_the_county_and_rounding_never_shows_a_false_target():
    t43 = 'background = ["law_degree", "law_work"] }\ntarget = '
    text = builtin_rules_text().replace(t43 + "100", t43 + "66.7")
    rules = load_rules(text)
    people = [staff("staff-1"), staff("staff-2"), staff("staff-3", background="other")]
    # 2/3 = 66.666…% is below 66.7 %: not met, and shown as 66.6 rather than a rounded 66.7
    check(run(*people, rules=rules)["T43"], "not_met", 66.6, 66.7, proving=["staff-1", "staff-2"], breaking=["staff-3"])
    rules = load_rules(text.replace("target = 66.7", "target = 66"))
    check(run(*people, rules=rules)["T43"], "met", 66.7, 66, proving=["staff-1", "staff-2"], breaking=["staff-3"])


# --------------------------------------------------------------------------- T29: certificates (every + valid_until)

ON = dt.date(2026, 5, 20)


def officer(uuid: str, expiry: str | None, cert_no: str | None = None, **values) -> dict:
    number = cert_no if cert_no is not None else f"NX{uuid}"
    return staff(uuid, enforcement=True, cert_no=number, cert_expiry=expiry, **values)


def test_t29_met_when_every_officer_holds_a_valid_certificate():
    r = run(
        officer("staff-1", "2028-01-01"),
        officer("staff-2", (ON + dt.timedelta(days=90)).isoformat()),  # exactly the warning days away: fine
        staff("staff-3"),  # not an enforcement officer
        officer("staff-4", None, cert_no="", active=False),  # left
        officer("staff-5", None, cert_no="", deleted=True),
        year=2026, on=ON,
    )["T29"]
    check(r, "met", 2, 2, proving=["staff-2", "staff-1"], total=2, evidence_kind="staff")


def test_t29_certificate_expiring_on_the_checklist_date_is_valid_but_at_risk():
    r = run(officer("staff-1", "2028-01-01"), officer("staff-2", ON.isoformat()), year=2026, on=ON)["T29"]
    check(r, "at_risk", 2, 2, proving=["staff-1"], breaking=["staff-2"], at_risk=("staff-2",))


def test_t29_certificate_expiring_within_the_warning_days_is_at_risk():
    soon = (ON + dt.timedelta(days=89)).isoformat()
    r = run(officer("staff-1", soon), year=2026, on=ON)["T29"]
    check(r, "at_risk", 1, 1, breaking=["staff-1"], at_risk=("staff-1",), note="1 expiring within 90 days")
    check(run(officer("staff-1", soon), year=2026, on=ON, warning_days=30)["T29"], "met", 1, 1, proving=["staff-1"])


def test_t29_certificate_expired_the_day_before_breaks_it():
    yesterday = (ON - dt.timedelta(days=1)).isoformat()
    officers = officer("staff-1", "2028-01-01"), officer("staff-2", yesterday), officer("staff-3", ON.isoformat())
    r = run(*officers, year=2026, on=ON)["T29"]
    # expired beats at risk; both are listed, expired first (sorted by expiry date)
    check(r, "not_met", 2, 3, proving=["staff-1"], breaking=["staff-2", "staff-3"], at_risk=("staff-3",))


@pytest.mark.parametrize("values", [{"cert_no": ""}, {"expiry": None}])
def test_t29_officer_without_certificate_number_or_expiry_breaks_it(values):
    args = {"expiry": "2028-01-01", **values}
    r = run(officer("staff-1", **args), year=2026, on=ON)["T29"]
    check(r, "not_met", 0, 1, breaking=["staff-1"])


def test_t29_without_enforcement_officers_is_not_applicable():
    check(run(staff("staff-1"), year=2026, on=ON)["T29"], "not_applicable", 0, 0, total=0)


# --------------------------------------------------------------------------- T46: study, lecture (count)


def test_t46_study_met_with_four_and_missed_with_three():
    studies = [meeting(f"meeting-s{i}", "study", f"2025-0{i}-15") for i in range(1, 5)]
    check(run(*studies)["T46-study"], "met", 4, 4, proving=[s["uuid"] for s in studies])
    check(run(*studies[:3])["T46-study"], "not_met", 3, 4, proving=[s["uuid"] for s in studies[:3]])
    three = [s["uuid"] for s in studies[:3]]
    check(run(*studies[:3], year=2025, on=dt.date(2025, 10, 1))["T46-study"], "at_risk", 3, 4, proving=three)
    check(run(*studies[:3], year=2025, on=dt.date(2025, 6, 30))["T46-study"], "not_met", 3, 4, proving=three)
    gone = meeting("meeting-s9", "study", "2025-09-09", deleted=True)
    check(run(*studies[:3], gone)["T46-study"], "not_met", 3, 4, proving=three)


def test_t46_lecture_met_with_two_and_missed_with_one():
    lectures = [meeting("meeting-l1", "lecture", "2025-12-31"), meeting("meeting-l2", "lecture", "2025-01-01")]
    check(run(*lectures)["T46-lecture"], "met", 2, 2, proving=["meeting-l2", "meeting-l1"])
    next_year = meeting("meeting-l3", "lecture", "2026-01-01")
    check(run(lectures[0], next_year)["T46-lecture"], "not_met", 1, 2, proving=["meeting-l1"])
    # late in the year, one held: at risk (the one dated 31 December is planned then)
    check(run(lectures[1], year=2025, on=dt.date(2025, 11, 1))["T46-lecture"], "at_risk", 1, 2, proving=["meeting-l2"])


# --------------------------------------------------------------------------- T46: court hearings (every + link in period)


def hearing(uuid: str, staff_uuid: str, date: str, **values) -> dict:
    return rec("hearing", uuid, staff_uuid=staff_uuid, date=date, **values)


def test_t46_hearing_met_when_every_active_person_attended_this_year():
    r = run(
        staff("staff-1"), staff("staff-2"), staff("staff-3", active=False),
        hearing("hearing-1", "staff-1", "2025-01-01"),
        hearing("hearing-2", "staff-2", "2025-12-31", mode="onsite"),
    )["T46-hearing"]
    check(r, "met", 2, 2, proving=["staff-1", "staff-2"], total=2, evidence_kind="staff")


def test_t46_hearing_missed_by_one_person():
    r = run(staff("staff-1"), staff("staff-2"), hearing("hearing-1", "staff-1", "2025-06-01"))["T46-hearing"]
    check(r, "not_met", 1, 2, proving=["staff-1"], breaking=["staff-2"])


def test_t46_hearing_only_counts_hearings_dated_in_the_year_and_live():
    records = (
        staff("staff-1"),
        hearing("hearing-dec31", "staff-1", "2025-12-31"),
        hearing("hearing-gone", "staff-1", "2026-06-01", deleted=True),
    )
    check(run(*records, year=2025)["T46-hearing"], "met", 1, 1, proving=["staff-1"])
    check(run(*records, year=2026, on=dt.date(2026, 12, 31))["T46-hearing"], "not_met", 0, 1, breaking=["staff-1"])
    # a tombstoned person is not asked to attend
    check(run(staff("staff-9", deleted=True), year=2025)["T46-hearing"], "not_applicable", 0, 0)


# --------------------------------------------------------------------------- T49: lectures and forums (count)


def test_t49_lecture_and_forum_count_together_study_does_not():
    records = (
        meeting("meeting-l", "lecture", "2025-04-01"),
        meeting("meeting-f", "forum", "2025-03-01"),
        meeting("meeting-s", "study", "2025-02-01"),
    )
    results = run(*records)
    check(results["T49"], "met", 2, 2, proving=["meeting-f", "meeting-l"])
    # the same lecture also counts for T46
    check(results["T46-lecture"], "not_met", 1, 2, proving=["meeting-l"])
    check(run(*records[1:])["T49"], "not_met", 1, 2, proving=["meeting-f"])
    check(run(*records[1:], year=2025, on=dt.date(2025, 12, 1))["T49"], "at_risk", 1, 2, proving=["meeting-f"])


# --------------------------------------------------------------------------- T44: service items (share, two fields)


def service(uuid: str, guide: bool, procedure: bool, **values) -> dict:
    return rec("service_item", uuid, name=uuid, guide_published=guide, procedure_done=procedure, **values)


def test_t44_met_when_every_service_has_guide_and_procedure():
    r = run(service("service_item-1", True, True), service("service_item-2", True, True))["T44"]
    check(r, "met", 100.0, 100, proving=["service_item-1", "service_item-2"], total=2)


def test_t44_a_guide_alone_is_not_enough():
    r = run(
        service("service_item-1", True, True),
        service("service_item-2", True, False),
        service("service_item-3", False, True),
        service("service_item-4", False, False, deleted=True),
    )["T44"]
    check(r, "not_met", 33.3, 100, proving=["service_item-1"], breaking=["service_item-2", "service_item-3"], total=3)


def test_t44_store_booleans_as_integers_work_too():
    r = run(service("service_item-1", 1, 1), service("service_item-2", 1, 0))["T44"]
    check(r, "not_met", 50.0, 100, proving=["service_item-1"], breaking=["service_item-2"])


# --------------------------------------------------------------------------- T7: annual report (deadline)


def report(uuid: str, year: int, sent: str | None, published: str | None, **values) -> dict:
    return rec("annual_report", uuid, year=year, sent_on=sent, published_on=published, **values)


def test_t7_sent_on_20_february_and_published_on_1_april_is_in_time():
    r = run(report("annual_report-24", 2024, "2025-02-20", "2025-04-01"), year=2025, on=dt.date(2025, 6, 1))["T7"]
    check(r, "met", 2, 2, proving=["annual_report-24"], unit="deadline", evidence_kind="annual_report")


def test_t7_sent_on_21_february_is_late():
    r = run(report("annual_report-24", 2024, "2025-02-21", "2025-03-01"), year=2025, on=dt.date(2025, 6, 1))["T7"]
    check(r, "not_met", 1, 2, breaking=["annual_report-24"], note="sent_on 2025-02-21 after 2025-02-20")


def test_t7_published_late_or_never_is_not_met():
    r = run(report("annual_report-24", 2024, "2025-02-01", "2025-04-02"), year=2025, on=dt.date(2025, 6, 1))["T7"]
    check(r, "not_met", 1, 2, breaking=["annual_report-24"])
    r = run(report("annual_report-24", 2024, "2025-02-01", None), year=2025, on=dt.date(2025, 4, 2))["T7"]
    check(r, "not_met", 1, 2, breaking=["annual_report-24"], note="published_on missing, was due 2025-04-01")


def test_t7_at_risk_while_a_date_is_missing_before_its_deadline():
    r = run(report("annual_report-24", 2024, "2025-02-10", None), year=2025, on=dt.date(2025, 4, 1))["T7"]
    check(r, "at_risk", 1, 2, breaking=["annual_report-24"], at_risk=("annual_report-24",))
    # no report at all yet, still before 20 February
    check(run(year=2025, on=dt.date(2025, 2, 20))["T7"], "at_risk", 0, 2)
    check(run(year=2025, on=dt.date(2025, 2, 21))["T7"], "not_met", 0, 2)


def test_t7_only_last_years_live_report_counts():
    records = (
        report("annual_report-25", 2025, "2025-02-01", "2025-03-01"),  # this year's report: not the one due
        report("annual_report-gone", 2024, "2025-02-01", "2025-03-01", deleted=True),
    )
    r = run(*records, year=2025, on=dt.date(2025, 6, 1))["T7"]
    check(r, "not_met", 0, 2)
    assert r.note.startswith("no annual_report for 2024")


# --------------------------------------------------------------------------- rule files: custom rules


def test_rolling_window_ends_on_the_checklist_date():
    rules = custom(
        """
[[rule]]
id = "R1"
task = "T49"
name = "近30天法治讲座"
type = "count"
kind = "meeting"
where = { kind = "lecture" }
min = 1
period = "rolling"
window_days = 30
"""
    )
    on = dt.date(2025, 3, 31)
    inside = meeting("meeting-in", "lecture", "2025-03-02")  # on − 29 days
    outside = meeting("meeting-out", "lecture", "2025-03-01")  # on − 30 days
    later = meeting("meeting-later", "lecture", "2025-04-01")
    r = run(inside, outside, later, rules=rules, on=on)["R1"]
    check(r, "met", 1, 1, proving=["meeting-in"], period=(dt.date(2025, 3, 2), on))
    r = run(outside, later, rules=rules, on=on)["R1"]
    check(r, "not_met", 0, 1, note="last 30 days")


def test_custom_every_rule_with_a_link_condition_and_in_period():
    rules = custom(
        """
[[rule]]
id = "R2"
task = "T42"
name = "今年实地指导"
type = "every"
kind = "delegated_item"
where = { status = "taken" }
link = { kind = "training", field = "items", in_period = true, where = { form = ["onsite", "joint"] } }
"""
    )
    records = (
        item("delegated_item-1", "taken"),
        item("delegated_item-2", "taken"),
        training("training-1", "2025-05-01", ["delegated_item-1"], form="onsite"),
        training("training-2", "2025-05-01", ["delegated_item-2"], form="central"),
        training("training-3", "2024-05-01", ["delegated_item-2"], form="joint"),
    )
    check(run(*records, rules=rules)["R2"], "not_met", 1, 2, proving=["delegated_item-1"], breaking=["delegated_item-2"])


def test_a_reference_to_an_unknown_kind_is_trusted_when_that_kind_is_not_passed():
    rows = {"delegated_item": [item("delegated_item-1", "taken", staff=["staff-x"])]}
    (r,) = [x for x in evaluate(builtin_rules(), rows, year=2025, on=AFTER_2025) if x.rule.id == "T41"]
    check(r, "met", 1, 1, proving=["delegated_item-1"])


# --------------------------------------------------------------------------- rule files: refusals

GOOD_RULE = """
[[rule]]
id = "ok"
task = "T40"
name = "部署"
type = "count"
kind = "meeting"
where = { kind = "deploy" }
min = 1
"""


def refused(second_rule: str) -> RuleFileError:
    """Load a file whose second rule (header on line 12) is ``second_rule``."""
    text = "# county rules\nversion = 1\n" + GOOD_RULE + "[[rule]]\n" + second_rule.lstrip("\n")
    assert text.splitlines()[11] == "[[rule]]"
    with pytest.raises(RuleFileError) as info:
        load_rules(text)
    return info.value


def second(**changes: str | None) -> str:
    lines = {
        "id": '"bad"', "task": '"T46"', "name": '"学法"', "type": '"count"', "kind": '"meeting"',
        "where": '{ kind = "study" }', "min": "4",
    }
    lines.update(changes)
    return "".join(f"{k} = {v}\n" for k, v in lines.items() if v is not None)


@pytest.mark.parametrize(
    ("changes", "key", "reason"),
    [
        ({"kind": '"meetings"'}, "err.rules_unknown_kind", "unknown kind 'meetings'"),
        ({"where": '{ kinds = "study" }'}, "err.rules_unknown_field", "meeting has no field 'kinds'"),
        ({"where": '{ kind = "seminar" }'}, "err.rules_unknown_choice", "unknown code 'seminar'"),
        ({"where": '{ head_attendance = true }'}, "err.rules_bad_value", "bad value True"),
        ({"min": "-1"}, "err.rules_bad_threshold", "min = -1"),
        ({"min": "1.5"}, "err.rules_bad_threshold", "min = 1.5"),
        ({"min": None}, "err.rules_missing_key", "missing key 'min'"),
        ({"task": None}, "err.rules_missing_key", "missing key 'task'"),
        ({"task": '"40"'}, "err.rules_bad_task", "task '40'"),
        ({"task": '"T4a"'}, "err.rules_bad_task", "task 'T4a'"),
        ({"name": None}, "err.rules_missing_key", "missing key 'name'"),
        ({"name": '""'}, "err.rules_bad_value", "'name' must be a non-empty string"),
        ({"type": '"sum"'}, "err.rules_unknown_type", "unknown type 'sum'"),
        ({"id": '"ok"'}, "err.rules_duplicate_id", "duplicate rule id 'ok'"),
        ({"target": "100"}, "err.rules_unknown_key", "unknown key 'target' for a count rule"),
        ({"date_field": '"title"'}, "err.rules_bad_field_type", "is text, not date"),
        ({"period": '"rolling"'}, "err.rules_missing_key", "window_days"),
        ({"period": '"rolling"', "window_days": "0"}, "err.rules_bad_threshold", "window_days = 0"),
        ({"window_days": "30"}, "err.rules_bad_value", "only to period = 'rolling'"),
        ({"enabled": '"yes"'}, "err.rules_bad_value", "enabled"),
    ],
)
def test_bad_count_rule_is_refused_at_its_header_line(changes, key, reason):
    err = refused(second(**changes))
    assert err.line == 12
    assert err.key == key
    assert reason in err.reason
    assert str(err) == f"line 12: {err.reason}"
    assert err.params["line"] == 12


SHARE = 'id = "s"\ntask = "T43"\nname = "背景"\ntype = "share"\nkind = "staff"\n'
EVERY = 'id = "e"\ntask = "T41"\nname = "x"\ntype = "every"\nkind = "delegated_item"\n'
STAFF_EVERY = 'id = "e"\ntask = "T29"\nname = "x"\ntype = "every"\nkind = "staff"\n'
DEADLINE = 'id = "d"\ntask = "T7"\nname = "x"\ntype = "deadline"\nkind = "annual_report"\n'


@pytest.mark.parametrize(
    ("body", "key", "reason"),
    [
        (
            SHARE + 'require = { background = "law_degree" }\ntarget = 150\n',
            "err.rules_bad_threshold", "target = 150",
        ),
        (
            SHARE + 'require = { background = "law_degree" }\ntarget = true\n',
            "err.rules_bad_threshold", "target = True",
        ),
        (
            SHARE + 'target = 100\n',
            "err.rules_missing_key", "needs require, require_any or sequence",
        ),
        (
            SHARE + 'require = { degree = "law" }\ntarget = 100\n',
            "err.rules_unknown_field", "staff has no field 'degree'",
        ),
        (
            EVERY + 'require_any = [{ status = "taken" }, { reason = "!empty" }]\n',
            "err.rules_unknown_field", "delegated_item has no field 'reason'",
        ),
        (
            EVERY + 'link = { kind = "lesson", field = "items" }\n',
            "err.rules_unknown_kind", "unknown link kind 'lesson'",
        ),
        (
            EVERY + 'link = { kind = "training", field = "item" }\n',
            "err.rules_unknown_field", "training has no field 'item'",
        ),
        (
            EVERY + 'link = { kind = "training", field = "staff" }\n',
            "err.rules_bad_field_type", "refers to staff, not delegated_item",
        ),
        (
            STAFF_EVERY + 'valid_until = "cert_expires"\n',
            "err.rules_unknown_field", "staff has no field 'cert_expires'",
        ),
        (
            STAFF_EVERY,
            "err.rules_missing_key", "needs require, require_any, sequence, link or valid_until",
        ),
        (
            DEADLINE + 'deadlines = { sent = "02-20" }\n',
            "err.rules_unknown_field", "annual_report has no field 'sent'",
        ),
        (
            DEADLINE + 'deadlines = { sent_on = "2-20" }\n',
            "err.rules_bad_threshold", "deadlines.sent_on = '2-20'",
        ),
        (
            DEADLINE + 'deadlines = { sent_on = "02-30" }\n',
            "err.rules_bad_threshold", "deadlines.sent_on = '02-30'",
        ),
    ],
)
def test_bad_share_every_deadline_rules_are_refused_at_their_header_line(body, key, reason):
    err = refused(body)
    assert (err.line, err.key) == (12, key)
    assert reason in err.reason, err.reason


def test_toml_syntax_error_names_its_line():
    text = "version = 1\n\n[[rule]]\nid = \"a\"\ntask = \"T40\nname = \"x\"\n"
    with pytest.raises(RuleFileError) as info:
        load_rules(text)
    err = info.value
    assert err.line == 5
    assert err.key == "err.rules_syntax"
    assert str(err).startswith("line 5: TOML syntax: ")
    assert "(at line" not in err.reason


def test_top_level_problems():
    with pytest.raises(RuleFileError) as info:
        load_rules("# rules\nversion = 1\nthresholds = 3\n")
    assert (info.value.line, info.value.key) == (3, "err.rules_unknown_key")
    with pytest.raises(RuleFileError) as info:
        load_rules("version = 2\n")
    assert (info.value.line, info.value.key) == (1, "err.rules_version")
    with pytest.raises(RuleFileError) as info:
        load_rules(GOOD_RULE)
    assert (info.value.line, info.value.key) == (None, "err.rules_missing_key")
    assert str(info.value) == "missing key 'version'"


def test_the_first_rule_error_points_at_the_first_header():
    with pytest.raises(RuleFileError) as info:
        load_rules("version = 1\n\n\n" + GOOD_RULE.replace('"meeting"', '"meet"'))
    assert info.value.line == 5


def test_a_good_custom_file_loads():
    rules = custom(GOOD_RULE)
    (rule,) = rules.rules
    assert (rule.id, rule.task, rule.type, rule.kind, rule.min, rule.date_field, rule.line) == (
        "ok", "T40", "count", "meeting", 1, "date", 3,
    )
    assert rule.where == (("kind", "deploy"),)
    assert custom("").rules == ()


# --------------------------------------------------------------------------- speed


def test_twenty_thousand_records_give_the_right_verdicts():
    # Speed is measured in the benchmark suite, not asserted here (shared, noisy machines).
    people = [staff(f"staff-p{i}", enforcement=i % 2 == 0, cert_no=f"C{i}", cert_expiry="2027-06-01") for i in range(2000)]
    items = [item(f"delegated_item-p{i}", "taken", staff=[f"staff-p{i}"]) for i in range(2000)]
    kinds = ("deploy", "admin", "study", "lecture", "forum", "other")
    meetings = [meeting(f"meeting-p{i}", kinds[i % 6], f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}") for i in range(8000)]
    trainings = [training(f"training-p{i}", "2025-03-01", [f"delegated_item-p{i}"]) for i in range(2000)]
    hearings = [hearing(f"hearing-p{i}", f"staff-p{i % 2000}", "2025-05-01") for i in range(4000)]
    services = [service(f"service_item-p{i}", True, i % 3 > 0) for i in range(2000)]
    records = {
        "staff": people, "delegated_item": items, "meeting": meetings, "training": trainings,
        "hearing": hearings, "service_item": services, "annual_report": [],
    }
    assert sum(map(len, records.values())) == 20000
    results = evaluate(builtin_rules(), records, year=2025, on=dt.date(2025, 10, 1))
    by_id = {r.rule.id: r for r in results}
    check(by_id["T44"], "not_met", 66.7, 100, proving=by_id["T44"].proving, breaking=by_id["T44"].breaking, total=2000)
    assert len(by_id["T44"].breaking) == 667
    assert by_id["T29"].status == "met" and by_id["T29"].total == 1000
