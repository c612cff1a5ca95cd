from django.urls import path

from usalama.wellness import views

app_name = "wellness"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("support/", views.support, name="support"),
    path("support/pin/", views.ussd_pin, name="ussd_pin"),
    path("support/<int:pk>/answer/", views.answer, name="answer"),
    path("critical-incidents/", views.incident, name="incident"),
]
