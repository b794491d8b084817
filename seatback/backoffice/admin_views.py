"""Administrator pages: CSV imports with a dry-run preview, and the audit trail."""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from seatback.audit.models import AuditEntry
from seatback.backoffice import services
from seatback.backoffice.access import administrator_required, staff
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library import imports

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 200
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SESSION_KEY = "backoffice_imports"


def _upload_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "seatback-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _kept_file(request: HttpRequest, token: str) -> tuple[Path, dict[str, str]] | None:
    """The file a preview kept for this session under `token`, if any."""
    kept: dict[str, dict[str, str]] = request.session.get(SESSION_KEY, {})
    if not TOKEN.match(token) or token not in kept:
        return None
    path = _upload_folder() / f"{token}.csv"
    return (path, kept[token]) if path.exists() else None


def _forget(request: HttpRequest, token: str) -> None:
    kept: dict[str, dict[str, str]] = request.session.get(SESSION_KEY, {})
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept
    (_upload_folder() / f"{token}.csv").unlink(missing_ok=True)


@administrator_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and preview (a dry run: nothing changes). Step 2: confirm."""
    context: dict[str, Any] = {"kinds": services.IMPORT_KINDS, "kind": "seats"}
    if request.method != "POST":
        return render(request, "backoffice/import.html", context)
    action = request.POST.get("action", "preview")
    kind = request.POST.get("kind", "")
    context["kind"] = kind
    actor, now = staff(request), clock.now()
    if action == "confirm":
        token = request.POST.get("token", "")
        kept = _kept_file(request, token)
        if kept is None or kept[1]["kind"] != kind:
            context["error"] = _("That preview is no longer available; upload the file again.")
            return render(request, "backoffice/import.html", context, status=400)
        path, info = kept
        try:
            summary = services.import_file(
                actor, kind, path, now=now, dry_run=False, filename=info["filename"]
            )
        except imports.BadFile as exc:
            context.update(problems=exc.problems, filename=info["filename"])
            return render(request, "backoffice/import.html", context, status=400)
        except Refusal as refusal:
            context["error"] = refusal.message
            return render(request, "backoffice/import.html", context, status=400)
        finally:
            _forget(request, token)
        messages.success(
            request,
            _(
                "Imported %(file)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "file": info["filename"],
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
        return redirect("backoffice:import")

    upload = request.FILES.get("file")
    if kind not in services.IMPORT_KINDS or upload is None:
        context["error"] = _("Choose what to import and a CSV file.")
        return render(request, "backoffice/import.html", context, status=400)
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        context["error"] = _("The file is too large (at most 20 MB).")
        return render(request, "backoffice/import.html", context, status=400)
    token = secrets.token_urlsafe(24)
    path = _upload_folder() / f"{token}.csv"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    filename = Path(upload.name or "upload.csv").name[:100]
    try:
        summary = services.import_file(actor, kind, path, now=now, dry_run=True, filename=filename)
    except (imports.BadFile, Refusal) as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, imports.BadFile):
            context.update(problems=exc.problems, filename=filename)
        else:
            context["error"] = exc.message
        return render(request, "backoffice/import.html", context, status=400)
    kept = request.session.get(SESSION_KEY, {})
    kept[token] = {"kind": kind, "filename": filename}
    request.session[SESSION_KEY] = kept
    context.update(
        summary=summary,
        changes=summary.changes[:PREVIEW_ROWS],
        more=max(0, len(summary.changes) - PREVIEW_ROWS),
        token=token,
        filename=filename,
    )
    return render(request, "backoffice/import.html", context)


@administrator_required
def audit_page(request: HttpRequest) -> HttpResponse:
    """Every back-office change, newest first; filter by action or by who made it."""
    entries = AuditEntry.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    who = request.GET.get("who", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if who:
        entries = entries.filter(actor__card_number=who)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actions = sorted(set(AuditEntry.objects.values_list("action", flat=True).distinct()))
    return render(
        request,
        "backoffice/audit.html",
        {"page": page, "action": action, "who": who, "actions": actions},
    )
