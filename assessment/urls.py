from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/scores/", views.score_sheet, name="score-sheet"),
    path("<int:pk>/scores/<int:indicator_pk>/", views.score_edit, name="score-edit"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence-download"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("<int:pk>/return/", views.assessment_return, name="return"),
    path("<int:pk>/approve/", views.assessment_approve, name="approve"),
    path("<int:pk>/export.xlsx", views.score_export, name="export"),
    path("<int:pk>/import/", views.score_import, name="import"),
]
