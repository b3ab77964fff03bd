from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("seller/performance/account-health/", views.account_health, name="account_health"),
    path("seller/performance/feedback/", views.feedback_manager, name="feedback"),
    path("seller/reports/", views.reports, name="reports"),
    path("seller/reports/business/", views.business_reports, name="business_reports"),
    path(
        "seller/performance/feedback/<int:pk>/contact-buyer/",
        views.contact_buyer_about_feedback,
        name="feedback_contact",
    ),
    path("orders/<str:order_id>/feedback/", views.leave_feedback, name="leave_feedback"),
]
