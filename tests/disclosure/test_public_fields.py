"""The one reviewed list of public fields: every field of every listed model is on exactly one side."""

from __future__ import annotations

import pytest

from disclosure import services
from disclosure.public_fields import PRIVATE, PUBLIC, concrete_field_names


@pytest.mark.parametrize("label", sorted(PUBLIC))
def test_every_field_is_public_or_private(label):
    fields = concrete_field_names(label)
    unlisted = fields - PUBLIC[label] - PRIVATE[label]
    assert not unlisted, f"{label}: fields on neither list in disclosure/public_fields.py: {sorted(unlisted)}"
    assert not PUBLIC[label] & PRIVATE[label], f"{label}: on both lists: {sorted(PUBLIC[label] & PRIVATE[label])}"
    assert (PUBLIC[label] | PRIVATE[label]) <= fields, f"{label}: listed fields that do not exist"


def test_the_private_details_of_a_party_are_private():
    assert {"party_id_number", "party_phone", "party_address"} <= PRIVATE["inspections.PenaltyCase"]


def test_a_publication_snapshot_holds_only_public_fields(changning):
    from tests.disclosure.helpers import person_case
    from tests.inspections.records_helpers import Make

    values = services.public_snapshot(person_case(Make(changning)))
    assert set(values) <= PUBLIC["disclosure.PenaltyPublication"]
