"""Fixtures of the hardening tests, and the report of how many cases each test tried."""

from __future__ import annotations

import pytest

from tests.hardening.cases import TRIED
from tests.hardening.helpers import World, copy_world, make_world


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TRIED:
        return
    terminalreporter.section("hardening: cases tried")
    width = max(len(name) for name in TRIED)
    for name, count in sorted(TRIED.items()):
        terminalreporter.write_line(f"hardening: {name:<{width}} tried {count} cases")
    terminalreporter.write_line(f"hardening: {sum(TRIED.values())} cases in all, in {len(TRIED)} kinds")


@pytest.fixture(scope="session")
def world_template(tmp_path_factory) -> World:
    """Built once: a county hub, township A enrolled with a first full bundle on the stick
    (not imported), township B enrolled."""
    return make_world(tmp_path_factory.mktemp("hardening-world"))


@pytest.fixture
def world(world_template, tmp_path) -> World:
    return copy_world(world_template, tmp_path / "w")

