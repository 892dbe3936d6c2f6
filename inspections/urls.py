from django.urls import path

from inspections.views import ledger, records, statistics
from inspections.views.common import KINDS

app_name = "inspections"

PREFIXES = {
    "dispatch": "dispatches",
    "inspection": "inspections",
    "case": "cases",
    "source": "sources",
    "equipment": "equipment",
    "training": "trainings",
    "officer": "officers",
    "measure": "measures",
    "drill": "drills",
    "review": "reviews",
}

urlpatterns = [
    path("", statistics.statistics_view, name="statistics"),
    path("export.xlsx", ledger.ledger_export_view, name="export"),
    path("template.xlsx", ledger.ledger_template_view, name="template"),
    path("import/", ledger.import_view, name="import"),
    path("import/<id:pk>/", ledger.import_detail_view, name="import-detail"),
    path("import/<id:pk>/status/", ledger.import_status_view, name="import-status"),
    path("import/<id:pk>/errors.xlsx", ledger.import_errors_view, name="import-errors"),
]

for name, kind in KINDS.items():
    prefix, args = PREFIXES[name], {"kind": name}
    urlpatterns += [
        path(f"{prefix}/", records.record_list_view, args, name=f"{name}-list"),
        path(f"{prefix}/new/", records.record_create_view, args, name=f"{name}-create"),
        path(f"{prefix}/<id:pk>/edit/", records.record_edit_view, args, name=f"{name}-edit"),
        path(f"{prefix}/<id:pk>/delete/", records.record_delete_view, args, name=f"{name}-delete"),
    ]
    if kind.has_detail:
        urlpatterns.append(path(f"{prefix}/<id:pk>/", records.record_detail_view, args, name=f"{name}-detail"))
