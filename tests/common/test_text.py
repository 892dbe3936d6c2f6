"""The one rule for invisible characters, and how values are quoted in messages."""

import re
from datetime import date, datetime

import pytest
from django import forms
from django.urls import reverse

from common.text import add_to_text_fields, clipped, invisible_characters
from inspections.ledger.layout import DISPATCHES
from inspections.ledger.reader import CellError, parse_cell
from inspections.models import Dispatch

REFUSED = {
    "\x07": "U+0007",  # C0 control: an .xlsx cannot hold it
    "\x7f": "U+007F",  # DEL
    "\x85": "U+0085",  # C1 control (next line)
    "\u200b": "U+200B",  # zero-width space
    "\u202e": "U+202E",  # right-to-left override
    "\ufeff": "U+FEFF",  # byte-order mark pasted from a file
}


class NoteForm(forms.Form):
    note = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_to_text_fields(self)


@pytest.mark.parametrize("character", REFUSED)
def test_the_form_and_the_ledger_refuse_the_same_characters(character):
    text = f"第一行{character}第二行"
    assert invisible_characters(text) == [REFUSED[character]]
    form = NoteForm({"note": text})
    assert not form.is_valid()
    assert REFUSED[character] in form.errors["note"][0]
    note = next(c for c in DISPATCHES.columns if c.header == "备注")
    with pytest.raises(CellError, match=re.escape(REFUSED[character])):
        parse_cell(note, text)


@pytest.mark.parametrize("text", ["第一行\n第二行", "a\tb", "行尾\r\n", "中文、English，全角　空格"])
def test_tabs_line_breaks_and_ordinary_text_pass(text):
    assert invisible_characters(text) == []
    assert NoteForm({"note": text}).is_valid()


def test_a_zero_width_space_typed_into_a_record_form_is_refused(client, changning, alice):
    """It passed the form before (only C0 controls were refused) and made the record's export unimportable."""
    client.force_login(alice)
    data = {"number": "CD-ZW", "dispatched_on": "2023-03-01", "officer_count": "2", "task_type": "routine"}
    response = client.post(reverse("inspections:dispatch-create"), data | {"note": "零宽\u200b空格"})
    assert response.status_code == 400 and not Dispatch.objects.exists()
    assert "U+200B" in response.content.decode()


def test_clipped_quotes_dates_as_dates_and_cuts_long_text():
    assert clipped(date(2023, 3, 5)) == "2023-03-05"
    assert clipped(datetime(2023, 3, 5, 8, 30)) == "2023-03-05T08:30:00"
    assert clipped("长" * 30) == "长" * 30
    assert clipped("长" * 31) == "长" * 30 + "…"
