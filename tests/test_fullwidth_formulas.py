"""Exports keep text that starts with a full-width ＝＋－＠ as text, exactly as for the ASCII forms."""

from openpyxl import Workbook

from common.xlsx import CSV_TRIGGERS, keep_text


def test_full_width_formula_starts_are_kept_as_text():
    ws = Workbook().active
    for text in ("＝HYPERLINK(1)", "＋1", "－1", "＠SUM(A1)", "=1"):
        cell = keep_text(ws.cell(row=1, column=1, value=text))
        assert cell.data_type == "s" and cell.quotePrefix, text
    assert {"＝", "＋", "－", "＠"} <= set(CSV_TRIGGERS)
