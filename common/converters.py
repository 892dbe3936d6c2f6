"""The ``id`` path converter: a database id or another whole number in a URL, at most 18 digits.

``<int:…>`` matches any number of digits, and a 20-digit id reaches the database, where SQLite cannot bind it
(``OverflowError``, a 500) and PostgreSQL refuses it. 18 digits stay below 2**63, so such a URL is simply not one
of ours: 404, like any other id that names nothing.
"""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
