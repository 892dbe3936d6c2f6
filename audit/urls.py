from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.xlsx", views.event_export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("export.csv", views.event_export, {"fmt": "csv"}, name="export-csv"),
]
