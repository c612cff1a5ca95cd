from django.urls import path

from usalama.community import views

app_name = "community"

urlpatterns = [
    path("community/alerts/", views.alerts, name="alerts"),
    path("community/alerts/<int:alert_id>/", views.alert, name="alert"),
    path("community/alerts/<int:alert_id>/decide/", views.decide, name="decide"),
    path("community/barazas/", views.barazas, name="barazas"),
    path("community/barazas/<int:baraza_id>/", views.baraza, name="baraza"),
    path("community/barazas/<int:baraza_id>/issues/", views.add_issue, name="add_issue"),
    path("community/issues/<int:issue_id>/", views.update_issue, name="update_issue"),
    path("community/webhooks/delivery-report/", views.delivery_report, name="delivery_report"),
    path("public/barazas/", views.public_barazas, name="public_barazas"),
]
