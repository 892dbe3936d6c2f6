"""``manage.py flush`` empties the whole database — the audit trail included, on SQLite as on PostgreSQL.

Django's own command, run inside a transaction that opens the audit guard (audit/guard.py) for itself: its
DELETE (SQLite) or TRUNCATE (PostgreSQL) of ``audit_auditevent`` would otherwise be refused by the append-only
triggers. Emptying the database is an operator's act on the server, like dropping it; no page can do it.
Tests that run in transactions (``django_db(transaction=True)``) use it to clean up after themselves.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from audit import guard


class Command(flush.Command):
    def handle(self, **options):
        using = options["database"]
        with transaction.atomic(using=using), guard.deletion_allowed(connections[using]):
            return super().handle(**options)
