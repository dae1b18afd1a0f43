"""From outside, on a live server: a coordinator records a contingent of places and
its occupancy reaches the accountant's workbook; a worker holds office hours in
prison, the list proposed and its outcomes counted; needs put the fitting places
first."""

import base64
import io
from datetime import date, datetime, timedelta

import openpyxl
from conftest import business_day


def workbook(accountant, start, end):
    wizard_id = accountant(
        "siao.cpom.report.wizard",
        "create",
        {"date_from": str(start), "date_to": str(end)},
    )
    accountant(
        "siao.cpom.report.wizard",
        "action_export",
        [wizard_id],
        context={"lang": "fr_FR"},
    )
    [wizard] = accountant("siao.cpom.report.wizard", "read", [wizard_id], ["file_data"])
    return openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard["file_data"])))


def summary(book):
    return {
        row[0]: row
        for row in book["Synthèse"].iter_rows(min_row=4, values_only=True)
        if row[0]
    }


def test_a_contingent_and_its_occupancy_reach_the_workbook(login):
    coordinator, accountant = login("coordinatrice"), login("comptable")
    year = business_day(coordinator).year
    start = date(year, 1, 1)
    structure = coordinator(
        "res.partner",
        "create",
        {
            "name": "CHRS Les Glycines (RPC)",
            "is_company": True,
            "siao_partner_type": "host_structure",
        },
    )
    place = coordinator(
        "siao.housing.place",
        "create",
        {"name": "Glycines 1", "structure_id": structure, "available_from": str(start)},
    )
    convention = coordinator(
        "siao.convention",
        "create",
        {
            "name": "Contingent des Glycines (RPC)",
            "partner_id": structure,
            "kind": "contingent",
            "place_count": 2,
            "place_ids": [(6, 0, [place])],
            "letter_date": str(start),
            "signature_date": str(start),
            "date_start": str(start),
        },
    )
    [person] = coordinator(
        "siao.detainee", "search", [("state", "=", "detained")], limit=1
    )
    # Ten days occupied, the stay ended: 10 days over the year's open days.
    coordinator(
        "siao.housing.reservation",
        "create",
        {
            "place_id": place,
            "detainee_id": person,
            "kind": "occupation",
            "date_from": str(start),
            "date_to": str(start + timedelta(days=9)),
        },
    )
    [read] = coordinator("siao.convention", "read", [convention], ["step"])
    assert read["step"] == "signed"
    end = date(year, 12, 31)
    book = workbook(accountant, start, end)
    rows = {
        row[0]: row
        for row in book["Contingents"].iter_rows(min_row=2, values_only=True)
    }
    open_days = (end - start).days + 1
    row = rows["Contingent des Glycines (RPC)"]
    assert row[1:8] == ("CHRS Les Glycines (RPC)", 2, 1, open_days, 10, row[6], 1)
    assert abs(row[6] - 10 / open_days) < 1e-9
    assert row[8] == 10
    codes = summary(book)
    assert codes["contingent_places"][2] >= 2
    assert codes["contingent_occupancy_rate"][2] is not None


def test_office_hours_in_prison_from_the_list_to_the_figures(login):
    worker, accountant = login("travailleur"), login("comptable")
    [prison] = worker(
        "res.partner", "search", [("siao_partner_type", "=", "prison")], limit=1
    )
    today = business_day(worker)
    due = worker(
        "siao.detainee",
        "create",
        {
            "last_name": "Permanence-RPC",
            "first_name": "Élise",
            "prison_id": prison,
            "legal_status": "convicted",
            "incarceration_date": str(today - timedelta(days=400)),
            "expected_release_date": str(today + timedelta(days=60)),
        },
    )
    session = worker(
        "siao.permanence",
        "create",
        {
            "prison_id": prison,
            "date": (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert worker("siao.permanence", "action_prepare_list", [session]) is True
    lines = worker(
        "siao.permanence.line",
        "search_read",
        [("permanence_id", "=", session)],
        ["detainee_id", "reason"],
    )
    mine = [line for line in lines if line["detainee_id"][0] == due]
    assert mine and mine[0]["reason"] == "request_due"
    met = 0
    for line in lines:
        outcome = "request_opened" if line["detainee_id"][0] == due else "absent"
        worker("siao.permanence.line", "write", [line["id"]], {"outcome": outcome})
        met += outcome == "request_opened"
    [opened] = worker("siao.permanence.line", "read", [mine[0]["id"]], ["request_id"])
    [request] = worker("siao.request", "read", [opened["request_id"][0]], ["state"])
    assert request["state"] == "draft"
    assert worker("siao.permanence", "action_done", [session]) is True
    # The session began an hour ago (UTC): yesterday's date just after midnight.
    codes = summary(workbook(accountant, today - timedelta(days=1), today))
    assert codes["permanence_sessions"][2] == 1
    assert codes["permanence_persons_met"][2] == met
    assert codes["permanence_requests_opened"][2] == 1


def test_needs_put_the_fitting_places_first(login):
    coordinator, worker = login("coordinatrice"), login("travailleur")
    dog = coordinator("siao.need.tag", "create", {"name": "Chien (RPC)"})
    zone = coordinator(
        "siao.need.tag",
        "create",
        {"name": "Quartier interdit (RPC)", "kind": "prohibited_zone"},
    )
    structure = coordinator(
        "res.partner",
        "create",
        {
            "name": "CHRS Besoins (RPC)",
            "is_company": True,
            "siao_partner_type": "host_structure",
        },
    )
    today = business_day(coordinator)

    def place(name, tags):
        return coordinator(
            "siao.housing.place",
            "create",
            {
                "name": name,
                "structure_id": structure,
                "available_from": str(today),
                "need_tag_ids": [(6, 0, tags)],
            },
        )

    in_zone = place("A dans le quartier (RPC)", [dog, zone])
    no_dog = place("B sans chien (RPC)", [])
    fits = place("C qui convient (RPC)", [dog])
    [prison] = worker(
        "res.partner", "search", [("siao_partner_type", "=", "prison")], limit=1
    )
    person = worker(
        "siao.detainee",
        "create",
        {
            "last_name": "Besoins-RPC",
            "prison_id": prison,
            "expected_release_date": str(today + timedelta(days=40)),
            "need_tag_ids": [(6, 0, [dog, zone])],
        },
    )
    found = worker(
        "siao.housing.place",
        "name_search",
        "(RPC)",
        [("structure_id", "=", structure)],
        context={"siao_fit_person_id": person, "lang": "fr_FR"},
    )
    assert [place_id for place_id, _label in found][0] == fits
    labels = dict(found)
    assert "⚠" in labels[in_zone] and "Quartier interdit (RPC)" in labels[in_zone]
    assert "⚠" in labels[no_dog] and "Chien (RPC)" in labels[no_dog]
    request = worker(
        "siao.request", "create", {"detainee_id": person, "place_id": in_zone}
    )
    [read] = worker(
        "siao.request", "read", [request], ["place_mismatch"], context={"lang": "fr_FR"}
    )
    assert "Quartier interdit (RPC)" in read["place_mismatch"]
