"""What every app shares, and nothing that belongs to one of them.

- ``text``: the one rule for invisible characters in typed and uploaded text, and how a value is quoted in a
  message (``clipped``).
- ``xlsx``: writing cells that stay text (formula injection), reading cell text, workbook bytes.
- ``uploads``: the checks on an uploaded .xlsx before openpyxl opens it (zip bombs, macros, row counts).
- ``http``: the download response with a Chinese file name.
- ``models``: abstract models: ``Versioned`` (optimistic-lock version), ``Record`` (data of one organisation).

``common`` imports no app of the project; every app may import it.
"""
