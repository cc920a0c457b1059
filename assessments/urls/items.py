"""Evidence-item mode (Pemdi 2026) actions, mounted at the site root."""

from django.urls import path

from assessments.views import items as views_items

app_name = "items"

urlpatterns = [
    # The answer page's one place to add evidence: the item is chosen in the form.
    path(
        "jawaban/<uuid:public_id>/butir/data-dukung/",
        views_items.item_evidence_upload_chosen,
        name="evidence_upload_chosen",
    ),
    path(
        "jawaban/<uuid:public_id>/butir/<int:item_id>/data-dukung/",
        views_items.item_evidence_upload,
        name="evidence_upload",
    ),
    path(
        "verifikasi/<uuid:public_id>/butir/<int:item_id>/terima/",
        views_items.item_decide,
        {"decision": "accept"},
        name="accept",
    ),
    path(
        "verifikasi/<uuid:public_id>/butir/<int:item_id>/kembalikan/",
        views_items.item_decide,
        {"decision": "return"},
        name="return",
    ),
]
