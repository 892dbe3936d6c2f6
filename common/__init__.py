"""What every app shares, and nothing that belongs to one of them.

- ``text``: the one rule for invisible characters in typed and uploaded text, and how a value is quoted in a
  message (``clipped``).
- ``xlsx``: writing cells that stay text (formula injection), reading cell text, workbook bytes.
- ``uploads``: the checks on an uploaded .xlsx before openpyxl opens it (zip bombs, macros, row counts).
- ``http``: the download response with a Chinese file name.
- ``locking``: optimistic locking (the version a form was loaded with; ``Stale`` when it is no longer current).
- ``models``: abstract models: ``Versioned`` (optimistic lock), ``Record`` (data of one organisation), ``Job``
  (work done by the task worker).
- ``jobs``: queueing a job after its transaction commits, and failing jobs whose worker died.

``common`` imports no app of the project; every app may import it.
"""
