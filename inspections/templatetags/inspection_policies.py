"""The inspections policies for templates: ``{% if user|may_import_ledger %}``."""

from django import template

from inspections import policies

register = template.Library()

register.filter("may_import_ledger", policies.may_import_ledger)
