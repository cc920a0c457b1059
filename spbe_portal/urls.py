from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessments.forms.auth import LoginForm
from spbe_portal import home as views_home
from spbe_portal import views

urlpatterns = [
    path("", views_home.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls.officer", namespace="assessments")),
    path("verifikasi/", include("assessments.urls.review", namespace="review")),
    path("", include("assessments.urls.items", namespace="items")),
    path("notifikasi/", include("assessments.urls.notifications", namespace="notifications")),
    path("manage/", include("assessments.urls.manage", namespace="manage")),
    path("results/", include("reports.urls", namespace="reports")),
    path("verifikasi-dokumen/", include("reports.urls.verification", namespace="documents")),
    path("api/v1/", include(("spbe_portal.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
