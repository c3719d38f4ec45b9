"""Checklist truth (issue 14): every built-in rule on its boundary — one record short of the
threshold, exactly at it, the deciding record tombstoned and restored, dated in the previous
and the next year, dated after the checklist day (planned) — and every per-person rule
against tenure: joined after the period, left during it, left before it, left on a day not
recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from fazhi_tui.base.config import Config
from fazhi_tui.base.i18n import set_language
from fazhi_tui.domain.checklist import builtin_rules, load_rules
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import run_checklist
from fazhi_tui.services.checklist_report import actual_text, met_today, summary_counts
from fazhi_tui.storage.store import Actor, Store
from tests.test_checklist import item, meeting, rec, run, staff

YEAR = 2025
AFTER = dt.date(2026, 1, 10)  # 2025 is over (records of early 2026 exist by now)
MID = dt.date(2025, 6, 30)  # half way through 2025: under the at-risk fraction
IN_YEAR = "2025-03-01"  # held by MID
LATER = "2025-09-01"  # after MID: planned then
PREVIOUS, NEXT = "2024-11-01", "2026-01-05"  # the next year's day is still before AFTER


@dataclass(frozen=True)
class Scenario:
    """``records(day, deleted)``: the records around the deciding one, which is dated ``day``
    (None: left out). ``expect``: the status for each case."""

    rule: str
    records: Callable[[str | None, bool], list[dict]]
    deciding: str
    expect: dict[str, str]


def deciding_meetings(kind: str, count: int, **values) -> Callable[[str | None, bool], list[dict]]:
    def make(day: str | None, deleted: bool) -> list[dict]:
        rows = [meeting(f"meeting-{kind}{i}", kind, f"2025-0{i + 1}-10", **values) for i in range(count - 1)]
        if day:
            rows.append(meeting("meeting-deciding", kind, day, deleted=deleted, **values))
        return rows

    return make


COUNT = {"at": "met", "short": "not_met", "prev": "not_met", "next": "not_met", "planned": "at_risk"}


def head_meetings(day, deleted):
    # one administrative meeting with the head there in full; the deciding one without
    rows = [meeting("meeting-full", "admin", "2025-02-10")]
    if day:
        rows.append(meeting("meeting-deciding", "admin", day, head_attendance="absent", head_absence_reason="病假", deleted=deleted))
    return rows


def t41_items(day, deleted):
    rows = [staff("staff-1"), item("delegated_item-ok", "taken", staff=["staff-1"], delegated_on="2024-01-01")]
    if day:  # an item delegated that day, taken on by no one
        rows.append(item("delegated_item-deciding", "taken", delegated_on=day, deleted=deleted))
    return rows


def t42_trainings(day, deleted):
    rows = [item("delegated_item-1", "taken", delegated_on="2024-01-01")]
    if day:
        rows.append(rec("training", "training-deciding", date=day, title="培训", items=["delegated_item-1"], deleted=deleted))
    return rows


def t43_people(day, deleted):
    rows = [staff("staff-law", background="law_degree")]
    if day:  # one without a law background, in post from that day
        rows.append(staff("staff-deciding", background="other", start_date=day, deleted=deleted))
    return rows


def t29_people(day, deleted):
    rows = [staff("staff-ok", enforcement=True, cert_no="1", cert_expiry="2030-01-01")]
    if day:  # an officer without a certificate, in post from that day
        rows.append(staff("staff-deciding", enforcement=True, start_date=day, deleted=deleted))
    return rows


def hearings(day, deleted):
    rows = [staff("staff-1")]
    if day:
        rows.append(rec("hearing", "hearing-deciding", staff_uuid="staff-1", date=day, deleted=deleted))
    return rows


def t44_items(require: dict, fail: dict, background: int):
    def make(day, deleted):
        rows = [rec("service_item", f"service_item-{i}", name=f"事项{i}", year=2020, **require) for i in range(background)]
        if require.get("handled_locally"):  # T44-local: 50 %, one already failing
            rows.append(rec("service_item", "service_item-off", name="转报", year=2020, **fail))
        if day:
            rows.append(rec("service_item", "service_item-deciding", name="新事项", year=int(day[:4]), deleted=deleted, **fail))
        return rows

    return make


def t7_report(day, deleted):
    if not day:
        return []
    year = int(day[:4])  # the report of the year before its sending
    return [rec("annual_report", "annual_report-deciding", year=year - 1, sent_on=day,
                published_on=day if day[5:] <= "04-01" else f"{year}-03-31", deleted=deleted)]


# -- issue 15: the rest of the ledger --------------------------------------------------------


def decisions(**breaking):
    """T26: one decision reviewed and published in time; the deciding one breaks the rule
    (reviewed two days after it, or never published)."""

    def make(day, deleted):
        good = {"reviewed": True, "review_date": "2025-02-05", "published": True, "published_on": "2025-02-12"}
        rows = [rec("enforcement_decision", "enforcement_decision-ok", case_no="1", title="罚款", date="2025-02-10", **good)]
        if day:
            values = {**good, "review_date": day, "published_on": day}
            for name, value in breaking.items():
                values[name] = value(day) if callable(value) else value
            rows.append(rec("enforcement_decision", "enforcement_decision-deciding", case_no="2", title="拆除", date=day,
                            deleted=deleted, **values))
        return rows

    return make


def two_days_after(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=2)).isoformat()


def deciding_count(kind: str, date_field: str, **values):
    def make(day, deleted):
        return [rec(kind, f"{kind}-deciding", **{date_field: day}, deleted=deleted, **values)] if day else []

    return make


def complaints(day, deleted):
    # 8 closed; the deciding one still open: 8/9 < 90 %
    rows = [rec("complaint", f"complaint-{i}", subject="投诉", received_on=f"2025-01-{10 + i}", closed_on=f"2025-02-{10 + i}")
            for i in range(8)]
    if day:
        rows.append(rec("complaint", "complaint-deciding", subject="未办结", received_on=day, deleted=deleted))
    return rows


def lawsuits(day, deleted):
    rows = [rec("lawsuit", "lawsuit-ok", case_no="1", cause="处罚", hearing_date="2025-02-10", head_appeared=True)]
    if day:
        rows.append(rec("lawsuit", "lawsuit-deciding", case_no="2", cause="强制", hearing_date=day, deleted=deleted))
    return rows


def recommendations(day, deleted):
    rows = [rec("recommendation", "recommendation-ok", subject="建议", received_on="2025-01-10", replied_on="2025-02-10")]
    if day:
        rows.append(rec("recommendation", "recommendation-deciding", subject="未办复", received_on=day, deleted=deleted))
    return rows


def person_linked(kind: str, **person):
    """A person (of the rule's population); the deciding record of ``kind`` is theirs."""

    def make(day, deleted):
        rows = [staff("staff-1", **person)]
        if day:
            rows.append(rec(kind, f"{kind}-deciding", staff_uuid="staff-1", date=day, deleted=deleted))
        return rows

    return make


def plans(day, deleted):
    rows = [item("delegated_item-1", "taken", delegated_on="2024-01-01")]
    if day:
        rows.append(rec("training_plan", "training_plan-deciding", issued_on=day, department="区农业农村局", title="培训计划",
                        items=["delegated_item-1"], deleted=deleted))
    return rows


SHARE_BROKEN = {"at": "not_met", "short": "met", "prev": "met", "next": "met", "planned": "met"}
LINKED = {"at": "met", "short": "not_met", "prev": "not_met", "next": "not_met", "planned": "at_risk"}

LEDGER_SCENARIOS = [
    Scenario("T26-review", decisions(review_date=two_days_after), "enforcement_decision-deciding", SHARE_BROKEN),
    Scenario("T26-publish", decisions(published=False, published_on=None), "enforcement_decision-deciding", SHARE_BROKEN),
    Scenario("T30-check", deciding_count("supervision_check", "date", title="案卷评查"), "supervision_check-deciding", COUNT),
    Scenario("T30-complaints", complaints, "complaint-deciding", SHARE_BROKEN),
    Scenario("T37", lawsuits, "lawsuit-deciding", SHARE_BROKEN),
    Scenario("T39", recommendations, "recommendation-deciding", SHARE_BROKEN),
    # a study session where the principal leader spoke; another meeting does not count
    Scenario("T46-leader", deciding_meetings("study", 1, principal_speaker=True), "meeting-deciding", COUNT),
    Scenario("T49-list", deciding_count("law_list", "issued_on", title="清单"), "law_list-deciding", COUNT),
    # the oath of a person who started in the year may come before the year (an earlier post)
    Scenario("T45", person_linked("oath", start_date="2025-02-01"), "oath-deciding",
             {**LINKED, "prev": "met"}),
    Scenario("T47", person_linked("law_report", leader=True), "law_report-deciding", LINKED),
    Scenario("T49-exam", person_linked("exam_result"), "exam_result-deciding", LINKED),
    Scenario("T42-plan", plans, "training_plan-deciding",
             {"at": "met", "short": "not_met", "prev": "met", "next": "not_met", "planned": "at_risk"}),
    # in force from the day it was named: an office named the year before still counts; its
    # window ends on the checklist day, so one named after it is not seen (test below)
    Scenario("T43-office", deciding_count("law_office", "set_up_on", name="法治办"), "law_office-deciding",
             {"at": "met", "short": "not_met", "prev": "met", "next": "not_met", "planned": None}),
]


SCENARIOS = [
    Scenario("T40-deploy", deciding_meetings("deploy", 1), "meeting-deciding", COUNT),
    Scenario("T46-study", deciding_meetings("study", 4), "meeting-deciding", COUNT),
    Scenario("T46-lecture", deciding_meetings("lecture", 2), "meeting-deciding", COUNT),
    Scenario("T49", deciding_meetings("forum", 2), "meeting-deciding", COUNT),
    # share and every rules: the deciding record breaks the rule while it counts
    Scenario("T40-head", head_meetings, "meeting-deciding",
             {"at": "not_met", "short": "met", "prev": "met", "next": "met", "planned": "met"}),
    Scenario("T41", t41_items, "delegated_item-deciding",
             {"at": "not_met", "short": "met", "prev": "not_met", "next": "met", "planned": "met"}),
    Scenario("T43", t43_people, "staff-deciding",
             {"at": "not_met", "short": "met", "prev": "not_met", "next": "met", "planned": "met"}),
    Scenario("T29", t29_people, "staff-deciding",
             {"at": "not_met", "short": "met", "prev": "not_met", "next": "met", "planned": "met"}),
    Scenario("T44", t44_items({"guide_published": True, "procedure_done": True}, {}, 2), "service_item-deciding",
             {"at": "not_met", "short": "met", "prev": "not_met", "next": "met", "planned": None}),
    Scenario("T44-local", t44_items({"handled_locally": True}, {"handled_locally": False}, 1), "service_item-deciding",
             {"at": "not_met", "short": "met", "prev": "not_met", "next": "met", "planned": None}),
    # every rules met by the deciding linking record
    Scenario("T42", t42_trainings, "training-deciding",
             {"at": "met", "short": "not_met", "prev": "met", "next": "not_met", "planned": "at_risk"}),
    Scenario("T46-hearing", hearings, "hearing-deciding",
             {"at": "met", "short": "not_met", "prev": "not_met", "next": "not_met", "planned": "at_risk"}),
    *LEDGER_SCENARIOS,
]
IDS = [s.rule for s in SCENARIOS]


def status(s: Scenario, day: str | None, *, deleted: bool = False, on: dt.date = AFTER) -> str:
    return run(*s.records(day, deleted), year=YEAR, on=on)[s.rule].status


def test_every_rule_has_a_boundary_scenario():
    assert {s.rule for s in SCENARIOS} | {"T7"} == {r.id for r in builtin_rules().rules}


@pytest.mark.parametrize("s", SCENARIOS, ids=IDS)
def test_at_the_threshold_and_one_short(s):
    assert status(s, IN_YEAR) == s.expect["at"]
    assert status(s, None) == s.expect["short"]


@pytest.mark.parametrize("s", SCENARIOS, ids=IDS)
def test_the_deciding_record_tombstoned_then_restored(s):
    assert status(s, IN_YEAR, deleted=True) == s.expect["short"]
    assert status(s, IN_YEAR, deleted=False) == s.expect["at"]


@pytest.mark.parametrize("s", SCENARIOS, ids=IDS)
def test_dated_in_the_previous_or_the_next_year(s):
    assert status(s, PREVIOUS) == s.expect["prev"]
    # dated in 2026 but before the checklist day: a past year never looks at it
    assert status(s, NEXT) == s.expect["next"]


@pytest.mark.parametrize("s", [s for s in SCENARIOS if s.expect["planned"]], ids=lambda s: s.rule)
def test_dated_after_the_checklist_day_is_planned(s):
    held = run(*s.records(IN_YEAR, False), year=YEAR, on=MID)[s.rule]
    assert held.status == s.expect["at"] and not held.planned
    planned = run(*s.records(LATER, False), year=YEAR, on=MID)[s.rule]
    assert planned.status == s.expect["planned"], planned
    assert s.deciding not in planned.proving
    if planned.evidence_kind == s.deciding.split("-")[0]:
        assert s.deciding in planned.planned  # listed apart
    else:
        assert planned.planned_links == (s.deciding,) and planned.link_kind == s.deciding.split("-")[0]
    # once the day has come, it counts
    assert run(*s.records(LATER, False), year=YEAR, on=dt.date(2025, 9, 1))[s.rule].status == s.expect["at"]


# --------------------------------------------------------------------------- counts with planned


def test_three_held_and_one_planned_is_at_risk_and_reads_3_plus_1_planned():
    studies = [meeting(f"meeting-s{i}", "study", f"2025-0{i}-10") for i in (1, 2, 3)]
    planned = meeting("meeting-s4", "study", "2025-10-10")
    r = run(*studies, planned, year=YEAR, on=MID)["T46-study"]
    assert (r.status, r.actual, r.planned) == ("at_risk", 3, ("meeting-s4",))
    assert r.proving == ("meeting-s1", "meeting-s2", "meeting-s3")
    set_language("zh")
    assert actual_text(r) == "3 次 + 1 计划"
    set_language("en")
    try:
        assert actual_text(r) == "3 + 1 planned"
    finally:
        set_language("zh")
    # a deploy meeting dated in September does not meet T40 in June
    r = run(meeting("meeting-d", "deploy", "2025-09-15"), year=YEAR, on=MID)["T40-deploy"]
    assert (r.status, r.actual, r.planned) == ("at_risk", 0, ("meeting-d",))


def test_planned_records_that_would_not_meet_it_leave_it_as_it_was():
    r = run(meeting("meeting-l1", "lecture", "2025-10-01"), year=YEAR, on=MID)["T46-lecture"]
    assert (r.status, r.actual, r.planned) == ("not_met", 0, ("meeting-l1",))


def test_an_administrative_meeting_entered_ahead_does_not_count():
    held = meeting("meeting-a1", "admin", "2025-03-01", head_attendance="absent", head_absence_reason="出差")
    ahead = [meeting(f"meeting-a{i}", "admin", f"2025-{i:02d}-01") for i in (8, 9, 10, 11)]
    r = run(held, *ahead, year=YEAR, on=MID)["T40-head"]
    assert (r.status, r.total, r.planned) == ("not_met", 1, tuple(a["uuid"] for a in ahead))
    # only planned ones, all in full: at risk, not met and not "not applicable"
    r = run(*ahead, year=YEAR, on=MID)["T40-head"]
    assert r.status == "at_risk" and r.total == 0


# --------------------------------------------------------------------------- T7: deadlines


def test_t7_report_sent_exactly_on_time_one_day_late_tombstoned_and_planned():
    def report(sent: str, published: str = "2025-03-31", deleted: bool = False) -> dict:
        return rec("annual_report", "annual_report-1", year=2024, sent_on=sent, published_on=published, deleted=deleted)

    assert run(report("2025-02-20"), year=YEAR)["T7"].status == "met"
    assert run(report("2025-02-21"), year=YEAR)["T7"].status == "not_met"
    assert run(report("2025-02-20", deleted=True), year=YEAR)["T7"].status == "not_met"
    assert run(report("2025-02-20", deleted=False), year=YEAR)["T7"].status == "met"
    # the report of the year before last, or sent in the next year, does not do
    assert run(rec("annual_report", "annual_report-2", year=2023, sent_on="2025-02-01", published_on="2025-03-01"),
               year=YEAR)["T7"].status == "not_met"
    assert run(report("2026-01-05", "2026-01-05"), year=YEAR)["T7"].status == "not_met"
    # dated after the checklist day (entered ahead): not done yet, still in time
    r = run(report("2025-02-15", "2025-03-20"), year=YEAR, on=dt.date(2025, 2, 10))["T7"]
    assert (r.status, r.actual) == ("at_risk", 0)


# --------------------------------------------------------------------------- tenure


def person_with(rule: str, uuid: str, **tenure) -> list[dict]:
    """A person breaking ``rule`` (no background, certificate or hearing) with ``tenure``."""
    values = {"T43": {"background": "other"}, "T29": {"enforcement": True}, "T46-hearing": {}}[rule]
    return [staff(uuid, **values, **tenure)]


def good_people() -> list[dict]:
    return [
        staff("staff-good", background="law_degree", enforcement=True, cert_no="9", cert_expiry="2030-01-01"),
        rec("hearing", "hearing-good", staff_uuid="staff-good", date="2025-05-05"),
    ]


TENURE = [
    ({"start_date": "2026-02-01"}, "met"),  # joined after the period
    ({"start_date": "2025-12-31"}, "not_met"),  # joined on its last day: in post on a day of it
    ({"active": False, "end_date": "2025-06-30"}, "not_met"),  # left during it: counted for that year
    ({"active": False, "end_date": "2025-01-01"}, "not_met"),  # left on its first day
    ({"active": False, "end_date": "2024-12-31"}, "met"),  # left before it
    ({"active": False, "end_date": None}, "met"),  # left on a day not recorded: counted nowhere
]


@pytest.mark.parametrize("rule", ["T43", "T29", "T46-hearing"])
@pytest.mark.parametrize(("tenure", "expected"), TENURE, ids=["joined-after", "joined-last-day", "left-during",
                                                               "left-first-day", "left-before", "left-unknown"])
def test_per_person_rules_take_the_people_in_post_during_the_period(rule, tenure, expected):
    r = run(*good_people(), *person_with(rule, "staff-x", **tenure), year=YEAR)[rule]
    assert r.status == expected, r
    assert ("staff-x" in r.breaking) == (expected == "not_met")


def test_a_person_starting_after_the_checklist_day_is_planned():
    r = run(*good_people(), *person_with("T43", "staff-x", start_date="2025-09-01"), year=YEAR, on=MID)["T43"]
    assert (r.status, r.planned) == ("met", ("staff-x",))


def test_a_certificate_counts_up_to_the_last_day_in_post():
    officer = {"enforcement": True, "cert_no": "7", "active": False, "end_date": "2025-06-30"}
    assert run(*good_people(), staff("staff-x", **officer, cert_expiry="2025-07-01"), year=YEAR)["T29"].status == "met"
    assert run(*good_people(), staff("staff-x", **officer, cert_expiry="2025-06-01"), year=YEAR)["T29"].status == "not_met"
    # a past year: valid on its 31 December, whatever happened since (no "lapsing soon" then)
    keeps = staff("staff-x", enforcement=True, cert_no="7", cert_expiry="2026-01-05")
    assert run(*good_people(), keeps, year=YEAR)["T29"].status == "met"
    assert run(*good_people(), keeps, year=2026, on=dt.date(2026, 1, 2))["T29"].status == "at_risk"


# --------------------------------------------------------------------------- T41


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"status": "taken", "staff": ["staff-in"]}, "met"),
        ({"status": "taken", "staff": ["staff-left"]}, "not_met"),  # the only person assigned has left
        ({"status": "taken", "staff": ["staff-left", "staff-in"]}, "met"),
        ({"status": "taken", "staff": ["staff-later"]}, "not_met"),  # not yet in post on the checklist day
        ({"status": "taking", "staff": ["staff-in"]}, "at_risk"),  # 承接中 with staff: in progress
        ({"status": "taking", "staff": ["staff-left"]}, "not_met"),
        ({"status": "taking"}, "not_met"),
    ],
)
def test_t41_counts_only_people_in_post_and_taking_on_with_staff_is_at_risk(values, expected):
    people = [
        staff("staff-in"),
        staff("staff-left", active=False, end_date="2025-08-31"),
        staff("staff-later", start_date="2026-01-05"),
    ]
    r = run(*people, item("delegated_item-1", **values), year=YEAR)["T41"]
    assert r.status == expected, r
    assert (r.at_risk == ("delegated_item-1",)) == (expected == "at_risk")


def test_t41_a_person_who_left_after_the_year_still_carried_it_then():
    people = [staff("staff-1", active=False, end_date="2026-01-05")]
    assert run(*people, item("delegated_item-1", "taken", staff=["staff-1"]), year=YEAR)["T41"].status == "met"
    assert run(*people, item("delegated_item-1", "taken", staff=["staff-1"]), year=2026,
               on=dt.date(2026, 2, 1))["T41"].status == "not_met"


# --------------------------------------------------------------------------- the rule file


def test_at_risk_any_is_checked_by_the_loader():
    base = """version = 1
[[rule]]
id = "x"
task = "T41"
name = "x"
type = "every"
kind = "delegated_item"
"""
    rules = load_rules(base + 'require = { status = "taken" }\nat_risk_any = [{ status = "taking" }]\n')
    assert rules.rules[0].at_risk_any == ((("status", "taking"),),)
    for bad in ('at_risk_any = [{ status = "taking" }]\nlink = { kind = "training", field = "items" }\n',
                'require = { status = "taken" }\nat_risk_any = []\n',
                'require = { status = "taken" }\nat_risk_any = [{ status = "sideways" }]\n'):
        with pytest.raises(ValueError):
            load_rules(base + bad)


def test_met_today_counts_only_what_has_happened_and_leaves_not_applicable_out():
    results = list(run(meeting("meeting-d", "deploy", "2025-09-15"), year=YEAR, on=MID).values())
    n, applicable = met_today(results)
    assert n == sum(r.status == "met" or (r.status == "at_risk" and r.lapsing) for r in results)
    assert applicable == len(results) - summary_counts(results)["not_applicable"]
    # the dedicated meeting is planned: "at risk", and not met today
    assert {r.rule.id: r for r in results}["T40-deploy"].status == "at_risk"
    assert not {r.rule.id: r for r in results}["T40-deploy"].met_today


def test_at_risk_is_met_today_only_when_what_is_valid_today_lapses_soon():
    rule = builtin_rules().get("T29")
    make = run(year=YEAR)["T29"].__class__
    lapsing = make(rule, "at_risk", 1, 1, "all", 1, (), ("s",), "staff", (AFTER, AFTER), at_risk=("s",), lapsing=True)
    short = make(rule, "at_risk", 3, 4, "count", 3, (), (), "meeting", (AFTER, AFTER))
    assert lapsing.met_today and not short.met_today
    # a certificate valid today that lapses within the warning days, everything else in order
    keeps = staff("staff-x", enforcement=True, cert_no="7", cert_expiry="2026-01-05")
    result = run(*good_people(), keeps, year=2026, on=dt.date(2026, 1, 2))["T29"]
    assert (result.status, result.lapsing, result.met_today) == ("at_risk", True, True)


# --------------------------------------------------------------------------- through the store


def test_tombstoned_and_restored_through_the_store(tmp_path):
    store = Store.open(tmp_path / "fazhi.db", tmp_path / "backups")
    actor = Actor("测试员", "640302100")
    config = Config(township_code="640302100", township_name="金星镇", operator="测试员")
    try:
        uuid = store.insert(KINDS["meeting"], {"kind": "deploy", "date": "2025-03-01", "title": "部署会"}, actor)

        def verdict(on=AFTER) -> str:
            return {r.rule.id: r for r in run_checklist(store, builtin_rules(), config, year=YEAR, on=on)}["T40-deploy"].status

        assert verdict() == "met"
        store.tombstone(KINDS["meeting"], uuid, actor)
        assert verdict() == "not_met"
        store.restore(KINDS["meeting"], uuid, actor)
        assert verdict() == "met"
        assert verdict(on=dt.date(2025, 2, 1)) == "at_risk"  # before it was held: planned only
        later = store.insert(KINDS["meeting"], {"kind": "deploy", "date": "2025-09-01", "title": "下半年部署会"}, actor)
        r = {r.rule.id: r for r in run_checklist(store, builtin_rules(), config, year=YEAR, on=MID)}["T40-deploy"]
        assert (r.status, r.proving, r.planned) == ("met", (uuid,), (later,))
    finally:
        store.close()


def test_the_matrix_share_counts_met_today_and_leaves_not_applicable_out():
    from fazhi_tui.services.checklist import Matrix, MatrixRow

    rule = builtin_rules().get("T29")
    results = {status: run(year=YEAR)["T29"].__class__(rule, status, 0, 0, "all", 0, (), (), "staff", (AFTER, AFTER))
               for status in ("met", "at_risk", "not_met", "not_applicable")}
    rows = tuple(MatrixRow(f"64030210{i}", status, "2026-01-01", (results[status],)) for i, status in enumerate(results))
    rows += (MatrixRow("640302109", "silent", None, ()),)  # never reported: counts against
    # at risk here is not lapsing (short, planned, in progress): not met today
    assert Matrix(YEAR, AFTER, (rule,), rows).share_met(0) == (1, 4)
    lapsing = results["at_risk"].__class__(rule, "at_risk", 0, 0, "all", 0, (), (), "staff", (AFTER, AFTER), lapsing=True)
    rows = (rows[0], MatrixRow("640302101", "lapsing", "2026-01-01", (lapsing,)), *rows[2:])
    assert Matrix(YEAR, AFTER, (rule,), rows).share_met(0) == (2, 4)


# --------------------------------------------------------------------------- issue 15 rules


def test_t43_office_named_after_the_checklist_day_is_not_named_yet_and_one_no_longer_current_does_not_count():
    office = deciding_count("law_office", "set_up_on", name="法治办")
    r = run(*office(LATER, False), year=YEAR, on=MID)["T43-office"]
    assert (r.status, r.actual, r.planned) == ("not_met", 0, ())
    assert run(*office(LATER, False), year=YEAR, on=dt.date(2025, 9, 1))["T43-office"].status == "met"
    gone = rec("law_office", "law_office-old", name="旧机构", set_up_on="2020-01-01", current=False)
    assert run(gone, year=YEAR)["T43-office"].status == "not_met"
    # a century back: still in force
    assert run(rec("law_office", "law_office-1", name="法治办", set_up_on="1950-01-01"), year=YEAR)["T43-office"].status == "met"


def test_t26_reviewed_on_the_day_of_the_decision_is_in_time_and_a_day_after_is_not():
    def decision(review: str | None, reviewed: bool = True) -> dict:
        return rec("enforcement_decision", "enforcement_decision-1", case_no="1", title="罚款", date="2025-03-10",
                   reviewed=reviewed, review_date=review)

    assert run(decision("2025-03-10"), year=YEAR)["T26-review"].status == "met"
    assert run(decision("2025-03-09"), year=YEAR)["T26-review"].status == "met"
    r = run(decision("2025-03-11"), year=YEAR)["T26-review"]
    assert (r.status, r.breaking) == ("not_met", ("enforcement_decision-1",))
    assert run(decision(None, reviewed=False), year=YEAR)["T26-review"].status == "not_met"
    assert run(decision("2025-03-01", reviewed=False), year=YEAR)["T26-review"].status == "not_met"
    # no decision in the year: nothing to review
    assert run(year=YEAR)["T26-review"].status == "not_applicable"


def test_t30_complaints_at_90_percent_are_met_and_one_closed_after_the_checklist_day_is_still_open():
    closed = [rec("complaint", f"complaint-{i}", subject="投诉", received_on="2025-03-01", closed_on="2025-03-20")
              for i in range(9)]
    still_open = rec("complaint", "complaint-open", subject="投诉", received_on="2025-03-01")
    r = run(*closed, still_open, year=YEAR)["T30-complaints"]
    assert (r.status, r.actual, r.note) == ("met", 90.0, "9/10")
    r = run(*closed[:8], still_open, year=YEAR)["T30-complaints"]
    assert (r.status, r.actual) == ("not_met", 88.9)
    # closed on a day after the checklist day (typed ahead): not closed yet
    ahead = rec("complaint", "complaint-ahead", subject="投诉", received_on="2025-03-01", closed_on="2025-08-01")
    r = run(*closed[:8], ahead, year=YEAR, on=MID)["T30-complaints"]
    assert r.status == "not_met" and "complaint-ahead" in r.breaking
    assert run(*closed[:8], ahead, year=YEAR, on=dt.date(2025, 8, 1))["T30-complaints"].status == "met"


def test_t39_a_reply_dated_before_receipt_does_not_count():
    wrong = rec("recommendation", "recommendation-1", subject="建议", received_on="2025-03-10", replied_on="2025-03-01")
    assert run(wrong, year=YEAR)["T39"].status == "not_met"


def test_t45_takes_only_people_appointed_in_the_year():
    old_hand = staff("staff-old", start_date="2019-05-01")  # appointed long ago: no oath asked this year
    assert run(old_hand, year=YEAR)["T45"].status == "not_applicable"
    new = staff("staff-new", start_date="2025-04-01")
    r = run(old_hand, new, year=YEAR)["T45"]
    assert (r.status, r.breaking) == ("not_met", ("staff-new",))
    oath = rec("oath", "oath-1", staff_uuid="staff-new", date="2025-04-02")
    assert run(old_hand, new, oath, year=YEAR)["T45"].status == "met"
    # the oath of another person does not do
    assert run(new, rec("oath", "oath-2", staff_uuid="staff-old", date="2025-04-02"), year=YEAR)["T45"].status == "not_met"


@pytest.mark.parametrize(("tenure", "expected"), TENURE, ids=["joined-after", "joined-last-day", "left-during",
                                                               "left-first-day", "left-before", "left-unknown"])
def test_t47_and_t49_exam_take_the_people_in_post_during_the_year(tenure, expected):
    done = [staff("staff-good", leader=True), rec("law_report", "law_report-good", staff_uuid="staff-good", date="2025-01-20"),
            rec("exam_result", "exam_result-good", staff_uuid="staff-good", date="2025-10-20", score=90)]
    results = run(*done, staff("staff-x", leader=True, **tenure), year=YEAR)
    for rule in ("T47", "T49-exam"):
        assert results[rule].status == expected, (rule, results[rule])
    # a person who is not a leader reports on nothing
    assert run(*done, staff("staff-y", leader=False), year=YEAR)["T47"].status == "met"


def test_t46_leader_counts_only_the_principal_leaders_own_talks():
    others = [meeting(f"meeting-l{i}", "lecture", f"2025-0{i}-10") for i in (1, 2, 3)]
    assert run(*others, year=YEAR)["T46-leader"].status == "not_met"
    r = run(*others, meeting("meeting-p", "lecture", "2025-05-10", principal_speaker=True), year=YEAR)
    assert r["T46-leader"].proving == ("meeting-p",)
    assert r["T46-lecture"].actual == 4  # the same lecture counts for both


def test_sequence_is_checked_by_the_loader():
    base = """version = 1
[[rule]]
id = "x"
task = "T39"
name = "x"
type = "share"
kind = "recommendation"
target = 100
"""
    rules = load_rules(base + 'sequence = ["received_on", "replied_on"]\n')
    assert rules.rules[0].sequence == ("received_on", "replied_on")
    for bad in ('sequence = ["received_on"]\n', 'sequence = ["received_on", "subject"]\n',
                'sequence = ["received_on", "received_on"]\n', 'sequence = ["received_on", "nowhere"]\n',
                'sequence = "received_on"\n'):
        with pytest.raises(ValueError):
            load_rules(base + bad)
