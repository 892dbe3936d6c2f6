from __future__ import annotations

import pytest

from tests.inspections.records_helpers import Make


@pytest.fixture
def make(changning) -> Make:
    return Make(changning)


@pytest.fixture
def make_xuhui(xuhui) -> Make:
    return Make(xuhui)
