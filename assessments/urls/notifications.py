from django.urls import path

from assessments.views import notifications as views_notifications

app_name = "notifications"

urlpatterns = [
    path("", views_notifications.notification_list, name="list"),
    path("jumlah/", views_notifications.notification_badge, name="badge"),
    path("baca-semua/", views_notifications.notification_read_all, name="read-all"),
    path("<int:pk>/baca/", views_notifications.notification_read, name="read"),
    path("<int:pk>/buka/", views_notifications.notification_open, name="open"),
]
