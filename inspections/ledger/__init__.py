"""The 台账 workbook: one .xlsx, one sheet per kind of record, headers in row 1.

``layout`` says what the sheets and columns are; ``reader`` turns an upload into checked ``rows`` (or every
problem with its sheet, row and column); ``writer`` builds the export, the empty template and the
error report. Writing rows into the database is ``inspections.services.ledger``.
"""
