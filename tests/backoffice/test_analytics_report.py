"""The monthly PDF report: a librarian downloads it; it opens, names the month, and carries
the month's figures beside the month before."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from django.test import Client

from seatback.library.models import Room
from tests.analytics.story import played  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("played")


def text_of(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_december_report_has_the_days_figures(as_lin: Client, room: Room) -> None:
    response = as_lin.get("/backoffice/analytics/report.pdf", {"month": "2026-12"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="seatback-report-2026-12.pdf"' in response["Content-Disposition"]
    text = text_of(response.content)
    assert "2026-12" in text and "2026-11" in text  # beside the month before
    assert "二楼自习室" in text
    assert "clocks ended in a claim" in text
    lines = text.splitlines()
    started = next(line for line in lines if line.startswith("clocks started"))
    assert started.split()[-2:] == ["3", "0"]  # three in December, none in November
    assert any("0.5" in line for line in lines if "hogged seat-hours" in line)  # 30 min


def test_without_a_month_it_is_this_months(as_lin: Client) -> None:
    response = as_lin.get("/backoffice/analytics/report.pdf")

    assert 'filename="seatback-report-2026-12.pdf"' in response["Content-Disposition"]
