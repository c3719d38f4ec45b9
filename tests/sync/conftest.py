"""Fixtures of the sync tests: a county hub with two enrolled demo townships, built once per
module and copied into each test's own folder."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sync.util import TOWN_A, TOWN_B, Office, enrol, hub, township


@dataclass(frozen=True)
class World:
    root: Path
    hub: Office
    a: Office  # 640302100, enrolled
    b: Office  # 640302101, enrolled
    usb: Path  # the stick: enrolment files, bundles

    def enrolment(self, code: str) -> Path:
        return self.usb / f"fazhi-enrol-{code}.json"


def make_world(root: Path) -> World:
    usb = root / "usb"
    county = hub(root / "county")
    a = township(root / "a", TOWN_A)
    b = township(root / "b", TOWN_B)
    enrol(county, a, usb, "金星镇")
    enrol(county, b, usb, "示范镇101")
    return World(root, county, a, b, usb)


def copy_world(template: World, root: Path) -> World:
    shutil.copytree(template.root, root)
    return World(root, Office(root / "county"), Office(root / "a"), Office(root / "b"), root / "usb")


@pytest.fixture(scope="module")
def world_template(tmp_path_factory) -> World:
    return make_world(tmp_path_factory.mktemp("world"))


@pytest.fixture
def world(world_template, tmp_path) -> World:
    """A county hub (利通区) with townships 640302100 and 640302101 enrolled, nothing exported."""
    return copy_world(world_template, tmp_path / "w")
