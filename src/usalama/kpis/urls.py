from django.urls import path

from usalama.kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:target_id>/", views.target, name="target"),
    path("records/", views.records, name="records"),
    path("review/", views.review_pack, name="pack"),
    path("review.pdf", views.review_pack_pdf, name="pack_pdf"),
    path("compute/", views.compute_now, name="compute"),
]
