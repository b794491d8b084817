from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seatback.backoffice.access import librarian_required


@librarian_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/index.html")
