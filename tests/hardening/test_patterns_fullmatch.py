"""Class 7, patterns accept exactly what they say: every pattern used to validate in
domain/ and sync/ is applied with ``fullmatch`` (``$`` also matches before a final
newline) and names ASCII digits (``\\d`` also matches "６" and "٣"). A township code
"…\\n" no longer makes a phantom township at the hub.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fazhi_tui.domain.checklist import RuleFileError, load_rules
from fazhi_tui.domain.reasons import reason_value
from tests.hardening.cases import tried
from tests.hardening.forging import opened, signed
from tests.hardening.helpers import TOWN_A, dump, hub_import, query

PACKAGE = Path(__file__).resolve().parents[2] / "fazhi_tui"


def test_no_validating_pattern_is_anchored_with_a_dollar_or_applied_with_match():
    """Every compiled pattern of domain/ and sync/ that ends in ``$`` or is applied with
    ``.match(`` is a finding (prefix searches in rule_file.py are named and allowed)."""
    allowed = {("rule_file.py", "_HEADER"), ("rule_file.py", "pattern")}  # prefix searches on purpose
    findings = []
    for path in sorted([*PACKAGE.joinpath("domain").rglob("*.py"), *PACKAGE.joinpath("sync").rglob("*.py")]):
        text = path.read_text(encoding="utf-8")
        for name, pattern in re.findall(r"(\w+) = re\.compile\((r?[\"'].*?[\"'])", text):
            if pattern.rstrip("\"'").endswith("$") and "\\s*$" not in pattern:
                findings.append(f"{path.name}: {name} ends in $")
        for name in re.findall(r"(\w+)\.match\(", text):
            if (path.name, name) not in allowed and name != "re":
                findings.append(f"{path.name}: {name}.match(")
        if "re.match(" in text:
            findings.append(f"{path.name}: re.match(")
    assert findings == []
    tried("patterns: source scan", 1)


@pytest.mark.parametrize("where", ["manifest", "row"])
def test_a_township_code_with_a_trailing_newline_is_refused(world, where):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    before = dump(w.hub.db)
    if where == "manifest":
        manifest = dict(manifest, member=TOWN_A + "\n", offices={TOWN_A + "\n": "幻影镇"})
    else:
        payload["records"]["meeting"][0]["township"] = TOWN_A + "\n"
    outcome = hub_import(w.hub, signed(w.hub, w.a, dict(manifest, seq=2), payload, w.root / "stick" / "nl.fzb"))
    assert outcome.verdict == "refused" and outcome.error.key == "err.bundle_damaged"
    assert dump(w.hub.db) == before
    assert query(w.hub.db, "SELECT count(*) FROM hub_office WHERE code LIKE '%' || char(10)")[0][0] == 0
    tried("patterns: township code with a newline", 1)


@pytest.mark.parametrize("code", ["６４０３０２１００", "٦٤٠٣٠٢١٠٠"])
def test_a_township_code_in_other_digits_is_refused(world, code):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    before = dump(w.hub.db)
    outcome = hub_import(w.hub, signed(w.hub, w.a, dict(manifest, seq=2, offices={code: "幻影镇"}), payload, w.root / "stick" / "d.fzb"))
    assert outcome.verdict == "refused" and dump(w.hub.db) == before
    tried("patterns: non-ASCII digits", 1)


def test_rule_ids_tasks_and_reason_codes_take_no_trailing_newline():
    base = '[[rule]]\nid = "{id}"\ntask = "{task}"\ntitle = "x"\nkind = "meeting"\nmin = 1\nperiod = "year"\n'
    for rule_id, task in (("R1\\n", "T1"), ("R1", "T1\\n"), ("R1", "T١")):
        with pytest.raises(RuleFileError):
            load_rules('version = 1\n' + base.format(id=rule_id, task=task))
    assert reason_value("@catalog_withdrawn:2026-11-27\n") == "@catalog_withdrawn:2026-11-27\n"  # kept as typed text, not a code
    tried("patterns: rule file and reasons", 4)
