"""The officer roster (执法人员名录): who enforces, with which certificate, and what they did.

Models live in ``roster.models`` and are imported by ``inspections.models`` so Django registers them with the
``inspections`` app; reads are in ``roster.selectors``, writes in ``roster.services``.
"""
