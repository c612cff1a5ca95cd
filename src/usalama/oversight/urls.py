from django.urls import path

from usalama.oversight import views

app_name = "oversight"

urlpatterns = [
    path("complain/", views.complain, name="complain"),
    path("complain/follow-up/", views.follow_up, name="follow_up"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("complaints/<int:pk>/stage/", views.move_stage, name="move_stage"),
    path("complaints/<int:pk>/allegations/", views.add_allegation, name="add_allegation"),
    path(
        "complaints/<int:pk>/allegations/<int:allegation_id>/",
        views.set_allegation,
        name="set_allegation",
    ),
    path("complaints/<int:pk>/summonses/", views.issue_summons, name="issue_summons"),
    path(
        "complaints/<int:pk>/summonses/<int:summons_id>/attended/",
        views.record_attendance,
        name="record_attendance",
    ),
    path(
        "complaints/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("referrals/new/", views.refer, name="refer"),
    path("notifications/", views.notifications, name="notifications"),
    path("early-intervention/", views.flags, name="flags"),
    path("early-intervention/<int:pk>/", views.flag, name="flag"),
    path("early-intervention/models/<int:pk>/", views.model, name="model"),
]
