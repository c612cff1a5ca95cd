from django.urls import path

from usalama.intake import leader_views, views, webhooks

app_name = "intake"

urlpatterns = [
    path("report/", views.report_form, name="report"),
    path("tip/", views.tip_lookup, name="lookup"),
    path("tip/<str:code>/", views.tip_page, name="tip"),
    path("intake/triage/", views.triage_queue, name="triage"),
    path("intake/leader/report/", leader_views.leader_report, name="leader_report"),
    path("intake/triage/<str:kind>/<int:item_id>/", views.triage_item, name="triage_item"),
    path("webhooks/africastalking/sms/<str:secret>/", webhooks.africastalking_sms, name="at_sms"),
    path(
        "webhooks/africastalking/ussd/<str:secret>/", webhooks.africastalking_ussd, name="at_ussd"
    ),
    path("webhooks/smssync/<str:secret>/", webhooks.smssync, name="smssync"),
]
