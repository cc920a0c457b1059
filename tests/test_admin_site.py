"""The Django admin lists every registered model for support staff."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_opens(client, django_user_model, spbe2020):
    staff = django_user_model.objects.create_superuser("dukungan", password="sandi-panjang-123")
    client.force_login(staff)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_admin_is_closed_to_portal_users(client, django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="sandi-panjang-123")
    client.force_login(officer)
    response = client.get(reverse("admin:assessments_answer_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
