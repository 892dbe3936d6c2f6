from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("assessments/<id:pk>/", views.review_detail, name="sheet"),
    path("assessments/<id:pk>/start/", views.review_start, name="start"),
    path("assessments/<id:pk>/save/", views.review_save, name="save"),
    path("assessments/<id:pk>/carry-forward/", views.carry_forward, name="carry-forward"),
    path("assessments/<id:pk>/years/", views.year_comparison, name="years"),
    path("comparison/", views.comparison, name="comparison"),
    path("comparison/export.xlsx", views.comparison_export, name="comparison-export"),
]
