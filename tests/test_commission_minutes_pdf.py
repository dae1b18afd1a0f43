"""The coordinator runs a commission on a live server and gets its minutes as a PDF."""

import base64
import io
from datetime import datetime, timedelta

from PyPDF2 import PdfReader


def test_closing_a_commission_attaches_the_minutes_pdf(login):
    coordinator = login("coordinatrice")
    when = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    meeting_id = coordinator(
        "siao.commission.meeting", "create", {"date": when, "location": "Salle E2E"}
    )
    coordinator("siao.commission.meeting", "action_generate_agenda", [meeting_id])
    lines = coordinator(
        "siao.commission.line",
        "search_read",
        [("meeting_id", "=", meeting_id)],
        fields=["detainee_id"],
    )
    assert lines, "the demo data gives the commission cases to review"
    line_ids = [line["id"] for line in lines]
    # Decisions are taken in session.
    coordinator("siao.commission.meeting", "action_start", [meeting_id])
    coordinator("siao.commission.line", "write", line_ids, {"decision": "maintain"})
    assert coordinator("siao.commission.meeting", "action_close", [meeting_id]) is True

    [meeting] = coordinator(
        "siao.commission.meeting",
        "read",
        [meeting_id],
        ["state", "minutes_attachment_id"],
    )
    assert meeting["state"] == "closed"
    [attachment] = coordinator(
        "ir.attachment",
        "read",
        [meeting["minutes_attachment_id"][0]],
        ["datas", "mimetype"],
    )
    pdf = base64.b64decode(attachment["datas"])
    assert attachment["mimetype"] == "application/pdf"
    assert pdf.startswith(b"%PDF")
    # A real PDF with at least a page (its text layer depends on the wkhtmltopdf
    # build; the HTML of the minutes is checked case by case in the Odoo tests).
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
