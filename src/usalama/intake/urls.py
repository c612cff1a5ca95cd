from django.urls import path

from usalama.intake import leader_views, views, webhooks

app_name = "intake"

urlpatterns = [
    path("report/", views.report_form, name="report"),
    path("tip/", views.tip_lookup, name="lookup"),
    path("intake/triage/", views.triage_queue, name="triage"),
    path("intake/leader/report/", leader_views.leader_report, name="leader_report"),
    path("intake/triage/<str:kind>/<int:item_id>/", views.triage_item, name="triage_item"),
    # The gateway secret comes in a header, never in the path (webhooks.presented_secret).
    path("webhooks/africastalking/sms/", webhooks.africastalking_sms, name="at_sms"),
    path("webhooks/africastalking/ussd/", webhooks.africastalking_ussd, name="at_ussd"),
    path("webhooks/smssync/", webhooks.smssync, name="smssync"),
]
