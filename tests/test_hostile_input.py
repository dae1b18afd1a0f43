"""Random and hostile values sent to create() and write() of every model over the
JSON-RPC API of a running server: each call either succeeds with valid data or ends in
a clear ValidationError/UserError/AccessError, never an internal error, and a refused
call changes nothing."""

import pytest
from conftest import RpcError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CLEAR_ERRORS = {
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.just("x" * 200_000),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from(
        [
            "2026-13-45",
            "31/12/2026",
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "<script>alert('x')</script>",
            "<img src=x onerror=alert(1)>",
            "' OR 1=1 --",
            "escaped",
            "unknown_key",
            "",
            "   ",
        ]
    ),
)
# What the first round missed: NUL characters (JSON carries them), zero and negative
# numbers, numbers out of range, dates that come in the wrong order.
EDGES = st.sampled_from(
    [
        "Nom\x00caché",
        "\x00",
        0,
        -1,
        -3,
        2**31,
        -(2**31) - 1,
        1e300,
        "2040-01-05",
        "2040-01-01",
        "2039-12-31",
    ]
)
# The same draws on every run: a failure is found again.
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
MODELS = [
    "siao.detainee",
    "siao.request",
    "siao.avdl.measure",
    "siao.housing.place",
    "siao.housing.reservation",
    "siao.commission.meeting",
    "siao.commission.line",
    "siao.resource.right",
    "res.partner",
]
SKIPPED_TYPES = {
    "one2many",
    "many2many",
    "binary",
    "html",
    "properties",
    "json",
    "reference",
}


@pytest.fixture(scope="module")
def coordinator(login):
    return login("coordinatrice")


@pytest.fixture(scope="module")
def fixtures(coordinator):
    """One valid record per model and the values to create another."""
    person = coordinator(
        "siao.detainee", "create", {"last_name": "Fuzz", "consent_date": "2025-01-01"}
    )
    other = coordinator("siao.detainee", "create", {"last_name": "Fuzz bis"})
    structure = coordinator(
        "res.partner",
        "create",
        {"name": "CHRS Fuzz", "siao_partner_type": "host_structure"},
    )
    place = coordinator(
        "siao.housing.place", "create", {"name": "Fuzz 1", "structure_id": structure}
    )
    meeting = coordinator(
        "siao.commission.meeting", "create", {"date": "2031-01-14 13:00:00"}
    )
    base = {
        "siao.detainee": {"last_name": "Hostile"},
        "siao.request": {"detainee_id": other},
        "siao.avdl.measure": {"detainee_id": other},
        "siao.housing.place": {"name": "Fuzz 2", "structure_id": structure},
        "siao.housing.reservation": {
            "place_id": place,
            "detainee_id": person,
            "date_from": "2040-01-01",
            "date_to": "2040-01-02",
        },
        "siao.commission.meeting": {"date": "2031-02-11 13:00:00"},
        "siao.commission.line": {"meeting_id": meeting, "detainee_id": other},
        "siao.resource.right": {"detainee_id": person, "right_type": "other"},
        "res.partner": {"name": "Fuzz partner"},
    }
    records = {
        "siao.detainee": person,
        "siao.request": coordinator("siao.request", "create", {"detainee_id": person}),
        "siao.avdl.measure": coordinator(
            "siao.avdl.measure", "create", {"detainee_id": person}
        ),
        "siao.housing.place": place,
        "siao.housing.reservation": coordinator(
            "siao.housing.reservation",
            "create",
            dict(
                base["siao.housing.reservation"],
                date_from="2041-01-01",
                date_to="2041-01-05",
            ),
        ),
        "siao.commission.meeting": meeting,
        "siao.commission.line": coordinator(
            "siao.commission.line",
            "create",
            {"meeting_id": meeting, "detainee_id": person},
        ),
        "siao.resource.right": coordinator(
            "siao.resource.right",
            "create",
            {"detainee_id": person, "right_type": "rsa"},
        ),
        "res.partner": structure,
    }
    return base, records


def writable_fields(client, model):
    fields = client(model, "fields_get", attributes=["type", "readonly", "store"])
    names = sorted(
        name
        for name, info in fields.items()
        if info.get("store")
        and not info.get("readonly")
        and info["type"] not in SKIPPED_TYPES
        and not name.startswith(
            ("message_", "activity_", "website_", "create_", "write_")
        )
        and name not in ("id", "display_name", "company_id", "active")
    )
    if model == "res.partner":  # only the addon's own fields
        names = [
            name
            for name in names
            if name in ("siao_partner_type", "prison_type", "siret")
        ]
    return names


def call(client, model, method, *args):
    """The result, or the error; an internal error fails the test."""
    try:
        return client(model, method, *args), None
    except RpcError as error:
        assert error.name in CLEAR_ERRORS, (
            f"{model}.{method}{args!r}: internal error {error}"
        )
        return None, error


@pytest.mark.parametrize("model", MODELS)
def test_hostile_values_never_cause_an_internal_error(coordinator, fixtures, model):
    base, records = fixtures
    names = writable_fields(coordinator, model)
    assert names

    @EXAMPLES
    @given(field=st.sampled_from(names), value=st.one_of(HOSTILE, EDGES))
    def check(field, value):
        count = coordinator(model, "search_count", [])
        created, error = call(
            coordinator, model, "create", dict(base[model], **{field: value})
        )
        if error:
            assert coordinator(model, "search_count", []) == count, (
                "a refused create left a record"
            )
        record = records[model]
        [before] = coordinator(model, "read", [record], [field])
        _result, error = call(coordinator, model, "write", [record], {field: value})
        if error:
            [after] = coordinator(model, "read", [record], [field])
            assert after == before, "a refused write changed the record"

    check()


def stored_fields(client, model):
    """Every stored field a client can name, those the views show read-only
    included: {name: read-only}."""
    fields = client(model, "fields_get", attributes=["type", "readonly", "store"])
    return {
        name: bool(info.get("readonly"))
        for name, info in fields.items()
        if info.get("store")
        and info["type"] not in SKIPPED_TYPES
        and not name.startswith(
            ("message_", "activity_", "website_", "create_", "write_")
        )
        and name not in ("id", "display_name")
        and (
            model != "res.partner"
            or name in ("siao_partner_type", "prison_type", "siret")
        )
    }


@pytest.mark.parametrize("model", MODELS)
def test_several_hostile_values_at_once_read_only_fields_included(
    coordinator, fixtures, model
):
    """Several fields varied in one call, read-only ones included: a clear error
    and nothing saved, or valid data; a field only the rules change is refused."""
    base, records = fixtures
    readonly = stored_fields(coordinator, model)
    names = sorted(readonly)

    @EXAMPLES
    @given(
        values=st.dictionaries(
            st.sampled_from(names),
            st.one_of(HOSTILE, EDGES),
            min_size=2,
            max_size=4,
        )
    )
    def check(values):
        protected = sorted(name for name in values if readonly[name])
        count = coordinator(model, "search_count", [])
        created, error = call(coordinator, model, "create", dict(base[model], **values))
        if error:
            assert coordinator(model, "search_count", []) == count, (
                "a refused create left a record"
            )
        else:
            assert not protected, f"create accepted the read-only {protected}"
        record = records[model]
        [before] = coordinator(model, "read", [record], list(values))
        _result, error = call(coordinator, model, "write", [record], values)
        if error:
            [after] = coordinator(model, "read", [record], list(values))
            assert after == before, "a refused write changed the record"
        else:
            assert not protected, f"write accepted the read-only {protected}"

    check()
