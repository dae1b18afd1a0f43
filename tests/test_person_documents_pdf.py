"""The liaison sheet and the housing attestation as wkhtmltopdf renders them on a
live server: from the back office, and from the SPIP's portal for the officer,
for a person without and then with a housing solution."""

import io
import json
import zipfile
from datetime import timedelta

import requests
from conftest import RpcError, business_day
from PyPDF2 import PdfReader


def session(url, db, login, password):
    """A browser's session on the server (cookies), logged in as ``login``."""
    browser = requests.Session()
    answer = browser.post(
        f"{url}/web/session/authenticate",
        json={"params": {"db": db, "login": login, "password": password}},
        timeout=60,
    ).json()
    assert answer.get("result", {}).get("uid"), answer
    return browser


def embedded_fonts(page):
    """The names of the fonts a PDF page embeds (its text's)."""
    found = []
    for ref in (page["/Resources"].get("/Font") or {}).values():
        font = ref.get_object()
        parts = [part.get_object() for part in font.get("/DescendantFonts", [])]
        for part in parts or [font]:
            descriptor = part.get("/FontDescriptor")
            files = {"/FontFile", "/FontFile2", "/FontFile3"}
            if descriptor and files & set(descriptor.get_object()):
                found.append(font.get("/BaseFont"))
    return found


def assert_pdf(response, *texts):
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/pdf")
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    # A text layer, in fonts embedded in the file: a clerk searches and copies it,
    # a screen reader reads it.
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )
    for expected in texts:
        assert expected in text, (expected, text[:2000])
    for page in reader.pages:
        assert embedded_fonts(page), "a page without an embedded font: shapes only"


def test_the_documents_are_pdfs_for_the_back_office_and_the_portal(server, login):
    url, db = server
    admin = login("admin")
    spip = admin(
        "res.partner",
        "create",
        {"name": "SPIP E2E", "is_company": True, "siao_partner_type": "spip"},
    )
    contact = admin(
        "res.partner",
        "create",
        {
            "name": "Cpip Pdf",
            "parent_id": spip,
            "siao_spip_role": "cpip",
            "email": "cpip.pdf@spip.example.com",
        },
    )
    _model, portal = admin(
        "ir.model.data", "check_object_reference", "base", "group_portal"
    )
    officer = admin(
        "res.users",
        "create",
        {
            "login": "cpip_pdf",
            "password": "cpip_pdf_password",
            "partner_id": contact,
            "groups_id": [(6, 0, [portal])],
        },
    )
    # The coordinators' decision: this account is the SPIP's staff on the portal.
    # It opens the account afresh (an invitation); the officer sets a password.
    login("coordinatrice")(
        "siao.spip.access",
        "create",
        {"partner_id": contact, "spip_id": spip, "role": "cpip"},
    )
    admin(
        "res.users",
        "write",
        [officer],
        {"login": "cpip_pdf", "password": "cpip_pdf_password"},
    )
    prison = admin(
        "res.partner", "search", [("siao_partner_type", "=", "prison")], limit=1
    )[0]
    today = business_day(admin)
    release = today + timedelta(days=30)
    person = admin(
        "siao.detainee",
        "create",
        {
            "last_name": "Pdfsortie",
            "first_name": "Nadia",
            "prison_id": prison,
            "legal_status": "convicted",
            "incarceration_date": "2025-01-01",
            "expected_release_date": release.isoformat(),
            "spip_referent_id": contact,
            "consent_date": today.isoformat(),
            "consent_scope": "partners",
        },
    )
    back_office = session(url, db, "admin", "admin")
    officer = session(url, db, "cpip_pdf", "cpip_pdf_password")
    assert_pdf(
        back_office.get(
            f"{url}/report/pdf/siao_justice.report_liaison_sheet/{person}", timeout=300
        ),
        "PDFSORTIE",
    )
    # No solution yet: no attestation, on the portal or in the back office.
    attestation = f"{url}/my/siao/{person}/attestation"
    assert officer.get(attestation, timeout=300).status_code == 404
    refused = back_office.get(
        f"{url}/report/pdf/siao_justice.report_housing_attestation/{person}",
        timeout=300,
    )
    assert not refused.content.startswith(b"%PDF")
    # A place admitted for the release: the officer downloads the attestation.
    structure = admin(
        "res.partner",
        "create",
        {
            "name": "CHRS Pdf",
            "is_company": True,
            "siao_partner_type": "host_structure",
            "street": "1 rue du Pdf",
            "city": "Colmar",
        },
    )
    place = admin(
        "siao.housing.place",
        "create",
        {
            "name": "Pdf 1",
            "structure_id": structure,
            "place_type": "chrs",
            "available_from": today.isoformat(),
        },
    )
    request = admin(
        "siao.request", "create", {"detainee_id": person, "orientation": "chrs"}
    )
    admin("siao.request", "action_submit", [request])
    admin("siao.request", "action_orient", [request])
    admin(
        "siao.request",
        "write",
        [request],
        {"structure_id": structure, "place_id": place},
    )
    admin("siao.request", "action_propose", [request])
    admin("siao.request", "write", [request], {"admission_date": release.isoformat()})
    admin("siao.request", "action_admit", [request])
    [name] = admin("siao.request", "read", [request], ["name"])
    response = officer.get(attestation, timeout=300)
    assert_pdf(response, "CHRS Pdf", f"ATT-{name['name']}")
    assert "attachment" in response.headers.get("Content-Disposition", "")
    assert_pdf(
        back_office.get(
            f"{url}/report/pdf/siao_justice.report_housing_attestation/{person}",
            timeout=300,
        ),
        "CHRS Pdf",
    )
    # The attestation issued is recorded; a clerk checks its code on the public
    # page, without logging in.
    [issued] = admin(
        "siao.attestation",
        "search_read",
        [("detainee_id", "=", person), ("state", "=", "valid")],
        ["code"],
    )
    check = requests.get(
        f"{url}/siao/attestation", params={"code": issued["code"]}, timeout=60
    )
    assert check.status_code == 200 and "o_siao_check_valid" in check.text
    assert "PDFSORTIE" not in check.text.upper()
    # The release-day plan, written to the person in French with its reply slip.
    letter = admin(
        "siao.letter",
        "create",
        {
            "detainee_id": person,
            "kind": "release_plan",
            "plan_place": "CHRS Pdf",
            "plan_address": "1 rue du Pdf, Colmar",
            "plan_route": "Bus 2, arrêt Théâtre",
        },
    )
    admin("siao.letter", "action_send", [letter])
    french = json.dumps({"lang": "fr_FR"})
    assert_pdf(
        back_office.get(
            f"{url}/report/pdf/siao_justice.report_person_letter/{letter}",
            params={"context": french},
            timeout=300,
        ),
        "PDFSORTIE Nadia",
        "Votre plan pour le jour de la sortie",
        "1 rue du Pdf, Colmar",
        "Bus 2, arrêt Théâtre",
        "115",
        "Coupon-réponse",
    )


def test_an_access_request_is_answered_and_every_reading_is_logged(server, login):
    """A coordinator answers a person's access request on a live server: an archive
    with the PDF of all their data and one JSON file per kind of record; the file
    opened by the web client, a document and the export, each read logged."""
    url, db = server
    admin = login("admin")
    coordinator = login("coordinatrice")
    prison = admin(
        "res.partner", "search", [("siao_partner_type", "=", "prison")], limit=1
    )[0]
    today = business_day(admin)
    person = admin(
        "siao.detainee",
        "create",
        {
            "last_name": "Droitdacces",
            "first_name": "Maël",
            "prison_id": prison,
            "legal_status": "convicted",
            "incarceration_date": "2025-01-01",
            "expected_release_date": (today + timedelta(days=90)).isoformat(),
            "consent_date": today.isoformat(),
            "consent_scope": "siao_spip",
        },
    )
    admin("siao.detainee", "message_post", [person], body="Premier entretien")
    browser = session(url, db, "coordinatrice", "coordinatrice")
    # The web client opens the file (its form), then prints the liaison sheet.
    answer = browser.post(
        f"{url}/web/dataset/call_kw/siao.detainee/web_read",
        json={
            "params": {
                "model": "siao.detainee",
                "method": "web_read",
                "args": [[person], {"name": {}, "prison_number": {}}],
                "kwargs": {},
            }
        },
        timeout=60,
    ).json()
    assert answer["result"][0]["name"] == "DROITDACCES Maël", answer
    assert_pdf(
        browser.get(
            f"{url}/report/pdf/siao_justice.report_liaison_sheet/{person}", timeout=300
        ),
        "DROITDACCES",
    )
    # The access request: an archive to download.
    action = coordinator("siao.detainee", "action_export_person_data", [person])
    response = browser.get(f"{url}{action['url']}", timeout=300)
    assert response.status_code == 200, response.text[:500]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"donnees.pdf", "siao.detainee.json", "mail.message.json"} <= names, names
    pdf = archive.read("donnees.pdf")
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages
    )
    if text.strip():
        assert "DROITDACCES" in text, text[:2000]
    [row] = json.loads(archive.read("siao.detainee.json"))
    assert row["last_name"] == "Droitdacces", row
    assert "Premier entretien" in archive.read("mail.message.json").decode()
    # Every reading, logged once each, read by the coordinator.
    entries = coordinator(
        "siao.access.log",
        "search_read",
        [("detainee_id", "=", person)],
        ["way", "user_id"],
    )
    assert sorted(entry["way"] for entry in entries) == ["form", "pdf", "rights"], (
        entries
    )
    # Nobody rewrites it, not even the administrator.
    try:
        admin("siao.access.log", "unlink", [entries[0]["id"]])
    except RpcError as error:
        assert "never deleted" in error.message or "jamais" in error.message
    else:
        raise AssertionError("an entry of the log was deleted")
