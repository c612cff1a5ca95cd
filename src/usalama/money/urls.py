from django.urls import path

from usalama.money import views

app_name = "money"

urlpatterns = [
    path("", views.alerts, name="index"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/review/", views.alert_review, name="alert_review"),
    path("accounts/<int:account_id>/", views.account, name="account"),
    path("trace/", views.trace, name="trace"),
    path("trace/export.csv", views.trace_csv, name="trace_csv"),
    path("trace/report/", views.trace_report, name="trace_report"),
]
