"""A user's own notifications: the list, the unread badge, marking read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from assessments import access
from assessments.notifications import notices as notifications

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request):
    items = access.visible_notifications(request.user)
    only_unread = request.GET.get("filter") == "unread"
    if only_unread:
        items = items.unread()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/notifications.html",
        {
            "page": page,
            "only_unread": only_unread,
            "unread_count": access.visible_notifications(request.user).unread().count(),
        },
    )


@require_GET
def notification_badge(request):
    """Fetched by htmx after the page loads, so no page pays a query for it;
    an expired session gets an empty badge rather than a login page inside the
    navigation bar."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    count = access.visible_notifications(request.user).unread().count()
    return render(request, "assessments/partials/notification_badge.html", {"count": count})


def _back(request):
    candidate = request.POST.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("notifications:list")


@login_required
@require_POST
def notification_read(request, pk):
    item = access.get_visible_or_404(access.visible_notifications(request.user), pk=pk)
    notifications.notifications_mark_read(user=request.user, ids=[item.pk])
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    notifications.notifications_mark_read(user=request.user)
    return redirect(_back(request))


@login_required
@require_POST
def notification_open(request, pk):
    """Mark read and go where the notification points."""
    item = access.get_visible_or_404(access.visible_notifications(request.user), pk=pk)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    target = item.link
    if not (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = reverse("notifications:list")
    return redirect(target)
