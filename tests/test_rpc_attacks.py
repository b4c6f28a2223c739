"""The gates and access rules hold for real users over JSON-RPC.

Run by setup/test.sh against the served demo database, but independent of the
demo story: the users, customers, deals and orders are created here, as admin
over RPC, with unique names. Every user works in a ``requests.Session`` of their
own (``/web/session/authenticate`` then ``/web/dataset/call_kw``), as a browser
or an integration would.

Each attack: the user tries; the call must return a JSON-RPC error that is a
clear Odoo error naming the problem (never a crash such as AttributeError,
KeyError or a database error); then admin reads back that nothing changed.
The bad-input sweep at the end does the same for malformed calls.
"""

import datetime
import itertools
import uuid

import pytest
import requests

TIMEOUT = 60
PASSWORD = "Rpc-Attack-Test-2026"
UNKNOWN_ID = 999_999_999
CLEAR_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}
# what a malformed call must never end in
CRASHES = ("AttributeError", "KeyError", "TypeError", "IndexError", "psycopg2")
# Odoo's own refusal of a value a field cannot hold ("Wrong value for
# crm.lead.type: 'bogus'") names the field and the value: clear enough
WRONG_VALUE = "builtins.ValueError"

GROUPS = {
    "sales": "vshn_sales_onboarding.group_onboarding_user",
    "sales2": "vshn_sales_onboarding.group_onboarding_user",
    "manager": "vshn_sales_onboarding.group_onboarding_manager",
    "finance": "vshn_sales_onboarding.group_onboarding_finance",
    "plain": "sales_team.group_sale_salesman",
    "portal": "base.group_portal",
}


# ----------------------------------------------------------------------
# JSON-RPC client
# ----------------------------------------------------------------------


class RpcError(Exception):
    """A JSON-RPC error answer: ``name`` is the exception's class path."""

    def __init__(self, error):
        self.error = error
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message}")


class Rpc:
    """One user's session, as the web client holds it."""

    _request_ids = itertools.count(1)

    def __init__(self, url, db, login, password):
        self.url = url
        self.login = login
        self.session = requests.Session()
        info = self._post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = info["uid"]
        assert self.uid, f"{login} could not log in"

    def _post(self, path, params):
        response = self.session.post(
            f"{self.url}{path}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": next(self._request_ids),
                "params": params,
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RpcError(body["error"])
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def attempt(self, model, method, *args, **kwargs):
        """The error the call ends in; fails the test if the call succeeds."""
        try:
            result = self.call(model, method, *args, **kwargs)
        except RpcError as error:
            return error
        pytest.fail(
            f"{self.login} was allowed {model}.{method}{tuple(args)} {kwargs or ''}"
            f" -> {result!r}"
        )

    # helpers for admin's set-up and read-backs
    def create(self, model, vals, **context):
        return self.call(model, "create", vals, context=context)

    def read(self, model, ids, fields):
        """Records as a list of dicts in id order, archived ones included."""
        ids = [ids] if isinstance(ids, int) else ids
        rows = self.call(model, "read", ids, fields, context={"active_test": False})
        return sorted(rows, key=lambda row: row["id"])

    def read_one(self, model, record_id, fields):
        return self.read(model, [record_id], fields)[0]

    def search(self, model, domain, **kwargs):
        return self.call(
            model, "search", domain, context={"active_test": False}, **kwargs
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        assert rows, f"no record {xmlid}"
        return rows[0]["res_id"]


def m2o_id(value):
    return value[0] if value else False


def records(model, ids, fields):
    return model, [("id", "in", ids)], fields


def named(model, name, field="name"):
    return model, [(field, "=", name)], [field]


def snapshot(admin, watch):
    """What ``watch`` (model, domain, fields) reads as admin, archived included."""
    model, domain, fields = watch
    return admin.call(
        model,
        "search_read",
        domain,
        fields=fields,
        order="id",
        context={"active_test": False},
    )


def assert_clear(error, *fragments, names=CLEAR_ERRORS):
    """``error`` is a clear Odoo error whose message names each fragment."""
    assert not any(
        crash in error.name for crash in CRASHES
    ), f"crashed instead of refusing clearly: {error}"
    assert error.name in names, f"not a clear Odoo error: {error}"
    message = error.message.lower()
    for fragment in fragments:
        assert fragment.lower() in message, f"{fragment!r} not named in: {error}"


# ----------------------------------------------------------------------
# Users and records, created once per module as admin
# ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def admin(server_url, server_db):
    return Rpc(server_url, server_db, "admin", "admin")


@pytest.fixture(scope="module")
def tag():
    return uuid.uuid4().hex[:8]


class World:
    """The ids of what the tests work on, all created for this run."""


@pytest.fixture(scope="module")
def world(admin, tag):
    w = World()
    w.tag = tag
    ref = admin.ref
    w.stage_core_won = ref("crm.stage_lead4")
    w.stage_qualify = ref("vshn_sales_onboarding.crm_stage_contact_qualify")
    w.stage_offer = ref("vshn_sales_onboarding.crm_stage_offer")
    w.stage_review = ref("vshn_sales_onboarding.crm_stage_customer_review")
    w.stage_won = ref("vshn_sales_onboarding.crm_stage_won")
    w.onb_stage_done = ref("vshn_sales_onboarding.vshn_onboarding_stage_done")
    w.role_csm = ref("vshn_sales_onboarding.vshn_onboarding_role_csm")
    w.role_sm = ref("vshn_sales_onboarding.vshn_onboarding_role_service_manager")
    w.role_sa = ref("vshn_sales_onboarding.vshn_onboarding_role_solution_architect")
    w.main_company = admin.read_one("res.users", admin.uid, ["company_id"])[
        "company_id"
    ][0]
    w.other_company = admin.create("res.company", {"name": f"RPC Other Co {tag}"})
    both_companies = {"allowed_company_ids": [w.main_company, w.other_company]}

    # users, one per kind, with a password to log in over JSON-RPC (the portal
    # user is created with its customer below)
    w.users = {
        key: admin.create(
            "res.users",
            {
                "name": f"RPC {key} {tag}",
                "login": f"rpc_{key}_{tag}",
                "password": PASSWORD,
                "email": f"rpc_{key}_{tag}@example.com",
                "groups_id": [(6, 0, [ref(xmlid)])],
            },
        )
        for key, xmlid in GROUPS.items()
        if key != "portal"
    }
    w.user_other_company = admin.create(
        "res.users",
        {
            "name": f"RPC other company {tag}",
            "login": f"rpc_other_{tag}",
            "password": PASSWORD,
            "company_id": w.other_company,
            "company_ids": [(6, 0, [w.other_company])],
            "groups_id": [(6, 0, [ref(GROUPS["sales"])])],
        },
        **both_companies,
    )

    product = admin.create(
        "product.template",
        {
            "name": f"RPC Managed Service {tag}",
            "type": "service",
            "invoice_policy": "order",
            "list_price": 1000.0,
        },
    )
    w.product = admin.read_one("product.template", product, ["product_variant_id"])[
        "product_variant_id"
    ][0]
    w.lost_reason = admin.create("crm.lost.reason", {"name": f"RPC Price {tag}"})

    def customer(name):
        return admin.create(
            "res.partner", {"name": f"RPC {name} {tag} AG", "is_company": True}
        )

    w.customer = customer("Customer")
    w.contact = admin.create(
        "res.partner", {"name": f"RPC Contact {tag}", "parent_id": w.customer}
    )
    w.customer_portal = customer("Portal Customer")
    w.portal_contact = admin.create(
        "res.partner",
        {"name": f"RPC Portal Contact {tag}", "parent_id": w.customer_portal},
    )
    w.users["portal"] = admin.create(
        "res.users",
        {
            "name": f"RPC portal {tag}",
            "login": f"rpc_portal_{tag}",
            "password": PASSWORD,
            "partner_id": w.portal_contact,
            "groups_id": [(6, 0, [ref(GROUPS["portal"])])],
        },
    )
    w.partner_other_company = admin.create(
        "res.partner",
        {"name": f"RPC Foreign {tag}", "company_id": w.other_company},
        **both_companies,
    )

    def order(partner, user, **vals):
        return admin.create(
            "sale.order",
            {
                "partner_id": partner,
                "user_id": user,
                "order_line": [(0, 0, {"product_id": w.product, "product_uom_qty": 1})],
                **vals,
            },
        )

    w.new_customer = customer
    w.new_order = order
    # the salesperson's open deal, in Contact & Qualify, with a draft quotation
    w.lead = admin.create(
        "crm.lead",
        {
            "name": f"RPC Deal {tag}",
            "type": "opportunity",
            "partner_id": w.customer,
            "user_id": w.users["sales"],
        },
    )
    w.order_of_lead = order(w.customer, w.users["sales"], opportunity_id=w.lead)
    w.order_draft = order(w.customer, w.users["sales"])
    # a deal of another company
    w.lead_other_company = admin.create(
        "crm.lead",
        {
            "name": f"RPC Foreign Deal {tag}",
            "type": "opportunity",
            "company_id": w.other_company,
        },
        **both_companies,
    )
    # a confirmed order of the salesperson, converted: its onboarding
    w.customer_converted = customer("Converted")
    w.order_converted = order(w.customer_converted, w.users["sales"])
    admin.call("sale.order", "action_confirm", [w.order_converted])
    converted = admin.read_one(
        "sale.order", w.order_converted, ["onboarding_id", "onboarding_conversion"]
    )
    assert converted["onboarding_conversion"] == "done", converted
    w.onboarding = converted["onboarding_id"][0]
    w.onboarding_day0 = admin.read_one("vshn.onboarding", w.onboarding, ["date_start"])[
        "date_start"
    ]
    # the customer's account team: a CSM named by admin
    w.account_team_line = admin.create(
        "vshn.onboarding.stakeholder",
        {
            "customer_id": w.customer,
            "role_id": w.role_csm,
            "user_id": w.users["sales2"],
        },
    )
    # the onboarding's journey (the shipped one its segment gets) and a journey
    # it does not have
    w.journey_lines = admin.search(
        "vshn.onboarding.journey.line", [("onboarding_id", "=", w.onboarding)]
    )
    assert w.journey_lines
    w.journey_smb = ref("vshn_sales_onboarding.vshn_onboarding_journey_smb")
    return w


@pytest.fixture(scope="module")
def login(server_url, server_db, world):
    """A logged-in session per user kind, opened once."""
    sessions = {}

    def get(key):
        if key not in sessions:
            if key == "admin":
                sessions[key] = Rpc(server_url, server_db, "admin", "admin")
            else:
                user_login = f"rpc_{key}_{world.tag}"
                sessions[key] = Rpc(server_url, server_db, user_login, PASSWORD)
        return sessions[key]

    return get


@pytest.fixture(scope="module")
def sales(login):
    return login("sales")


@pytest.fixture(scope="module")
def manager(login):
    return login("manager")


@pytest.fixture(scope="module")
def deal(admin, world):
    """Make a new opportunity of the salesperson (or whom ``vals`` says)."""
    counter = itertools.count(1)

    def make(**vals):
        return admin.create(
            "crm.lead",
            {
                "name": f"RPC Deal {world.tag} {next(counter)}",
                "type": "opportunity",
                "partner_id": world.customer,
                "user_id": world.users["sales"],
                **vals,
            },
        )

    return make


# ----------------------------------------------------------------------
# Attacks on the sales gates
# ----------------------------------------------------------------------

LEAD_STAGE_FIELDS = ["stage_id", "type", "active", "probability"]


@pytest.mark.parametrize(
    "build, fragments",
    [
        pytest.param(
            lambda w: ("write", [[w.lead], {"stage_id": w.stage_core_won}], {}),
            ("cannot enter", "archived"),
            id="write-archived-crm-won-stage",
        ),
        pytest.param(
            lambda w: ("write", [[w.lead], {"stage_id": w.stage_won}], {}),
            ("cannot enter", "confirmed or signed quotation"),
            id="write-won-stage",
        ),
        pytest.param(
            lambda w: (
                "write",
                [[w.lead], {"stage_id": w.stage_review, "probability": 90}],
                {},
            ),
            ("cannot enter", "customer's problem", "quotation sent"),
            id="write-customer-review-with-other-fields",
        ),
        pytest.param(
            lambda w: ("action_set_won", [[w.lead]], {}),
            ("cannot enter", "confirmed or signed quotation"),
            id="action-set-won",
        ),
        pytest.param(
            lambda w: (
                "write",
                [[w.lead], {"stage_id": w.stage_offer}],
                {
                    "context": {
                        "vshn_onboarding_gate_bypass": True,
                        "vshn_onboarding_process": True,
                    }
                },
            ),
            ("cannot enter", "customer's problem"),
            id="context-keys-do-not-bypass",
        ),
    ],
)
def test_salesperson_cannot_force_a_stage(admin, world, sales, build, fragments):
    method, args, kwargs = build(world)
    before = admin.read_one("crm.lead", world.lead, LEAD_STAGE_FIELDS)
    error = sales.attempt("crm.lead", method, *args, **kwargs)
    assert_clear(error, *fragments)
    assert admin.read_one("crm.lead", world.lead, LEAD_STAGE_FIELDS) == before
    assert m2o_id(before["stage_id"]) == world.stage_qualify


@pytest.mark.parametrize("path", ["write-type", "convert-wizard"])
def test_lead_in_an_advanced_stage_cannot_turn_opportunity(admin, world, sales, path):
    lead = sales.create(
        "crm.lead",
        {
            "name": f"RPC Lead {world.tag} {path}",
            "type": "lead",
            "partner_id": world.customer,
            "stage_id": world.stage_offer,
        },
    )
    before = admin.read_one("crm.lead", lead, LEAD_STAGE_FIELDS)
    assert (before["type"], m2o_id(before["stage_id"])) == ("lead", world.stage_offer)
    if path == "write-type":
        error = sales.attempt("crm.lead", "write", [lead], {"type": "opportunity"})
    else:
        context = {"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]}
        wizard = sales.call(
            "crm.lead2opportunity.partner",
            "create",
            {"name": "convert", "action": "nothing"},
            context=context,
        )
        error = sales.attempt(
            "crm.lead2opportunity.partner", "action_apply", [wizard], context=context
        )
    assert_clear(error, "cannot enter", "Offer", "customer's problem")
    assert admin.read_one("crm.lead", lead, LEAD_STAGE_FIELDS) == before


REVIEW_FIELDS = [
    "offer_reviewed_by_id",
    "offer_reviewed_date",
    "timeline_confirmed_by_id",
    "timeline_confirmed_date",
    "escalation_state",
    "escalation_target",
]


@pytest.mark.parametrize(
    "build, fragment",
    [
        pytest.param(
            lambda w, name: (
                "create",
                [
                    {
                        "name": name,
                        "type": "opportunity",
                        "offer_reviewed_by_id": w.users["sales2"],
                    }
                ],
                {},
            ),
            "offer review",
            id="create-with-review",
        ),
        pytest.param(
            lambda w, name: (
                "create",
                [
                    {
                        "name": name,
                        "type": "opportunity",
                        "offer_reviewed_by_id": w.users["sales2"],
                    }
                ],
                {"context": {"vshn_onboarding_process": True}},
            ),
            "offer review",
            id="create-with-review-and-process-context-key",
        ),
        pytest.param(
            lambda w, name: (
                "copy",
                [[w.lead]],
                {
                    "default": {
                        "name": name,
                        "offer_reviewed_by_id": w.users["sales2"],
                        "offer_reviewed_date": "2026-01-05 10:00:00",
                    }
                },
            ),
            "offer review",
            id="copy-with-review",
        ),
        pytest.param(
            lambda w, name: (
                "write",
                [[w.lead], {"timeline_confirmed_by_id": w.users["sales2"]}],
                {},
            ),
            "timeline confirmation",
            id="write-timeline-confirmation",
        ),
        pytest.param(
            lambda w, name: (
                "write",
                [[w.lead], {"escalation_state": "resolved"}],
                {},
            ),
            "escalat",
            id="write-escalation",
        ),
    ],
)
def test_forged_review_is_refused(admin, world, sales, build, fragment):
    name = f"RPC Forged {world.tag} {uuid.uuid4().hex[:6]}"
    method, args, kwargs = build(world, name)
    before = admin.read_one("crm.lead", world.lead, REVIEW_FIELDS)
    error = sales.attempt("crm.lead", method, *args, **kwargs)
    assert_clear(error, fragment)
    assert admin.read_one("crm.lead", world.lead, REVIEW_FIELDS) == before
    assert admin.search("crm.lead", [("name", "=", name)]) == []


def test_import_of_a_forged_review_is_refused(admin, world, sales):
    """``load`` answers with messages rather than an error: none is imported."""
    name = f"RPC Imported {world.tag}"
    result = sales.call(
        "crm.lead",
        "load",
        ["name", "type", "offer_reviewed_by_id/.id"],
        [[name, "opportunity", str(world.users["sales2"])]],
    )
    assert not result["ids"], result
    errors = [m for m in result["messages"] if m["type"] == "error"]
    assert errors, result
    assert "offer review" in " ".join(m["message"] for m in errors).lower()
    assert admin.search("crm.lead", [("name", "=", name)]) == []


@pytest.mark.parametrize("user", ["sales", "manager"])
@pytest.mark.parametrize(
    "role_field, action, review_field",
    [
        ("solution_architect_id", "action_review_offer", "offer_reviewed_by_id"),
        ("project_manager_id", "action_confirm_timeline", "timeline_confirmed_by_id"),
    ],
    ids=["review-offer", "confirm-timeline"],
)
def test_four_eyes_salesperson_never_reviews_own_deal(
    admin, world, login, deal, user, role_field, action, review_field
):
    uid = world.users[user]
    lead = deal(user_id=uid, **{role_field: uid})
    error = login(user).attempt("crm.lead", action, [lead])
    assert_clear(error, "is the salesperson of", "someone else")
    assert admin.read_one("crm.lead", lead, [review_field])[review_field] is False


def test_role_holder_reviews_someone_elses_deal(admin, world, login, deal):
    """The counter-check: the gate is four eyes, not a wall."""
    lead = deal(solution_architect_id=world.users["sales2"])
    login("sales2").call("crm.lead", "action_review_offer", [lead])
    row = admin.read_one("crm.lead", lead, ["offer_reviewed_by_id"])
    assert m2o_id(row["offer_reviewed_by_id"]) == world.users["sales2"]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda w, o: ("write", [[o], {"state": "sent"}], {}), id="write-state-sent"
        ),
        pytest.param(
            lambda w, o: ("action_quotation_sent", [[o]], {}), id="mark-as-sent"
        ),
        pytest.param(
            lambda w, o: ("action_quotation_send", [[o]], {}), id="send-by-email"
        ),
    ],
)
def test_offer_is_not_sent_before_its_gate(admin, world, sales, build):
    method, args, kwargs = build(world, world.order_of_lead)
    error = sales.attempt("sale.order", method, *args, **kwargs)
    assert_clear(
        error, "cannot be sent yet", "offer reviewed by the Solution Architect"
    )
    row = admin.read_one("sale.order", world.order_of_lead, ["state"])
    assert row["state"] == "draft"


def test_salesperson_cannot_fake_a_signed_order(admin, world, sales, deal):
    """A confirmed (signed) quotation opens the Won gate: it comes from a
    confirmation, not from writing the state."""
    lead = deal()
    order = world.new_order(world.customer, world.users["sales"], opportunity_id=lead)
    error = sales.attempt("sale.order", "write", [order], {"state": "sale"})
    assert_clear(error)
    row = admin.read_one("sale.order", order, ["state", "onboarding_conversion"])
    assert row == {"id": order, "state": "draft", "onboarding_conversion": False}
    error = sales.attempt("crm.lead", "write", [lead], {"stage_id": world.stage_won})
    assert_clear(error, "confirmed or signed quotation")


# ----------------------------------------------------------------------
# Evidence is written by the process only
# ----------------------------------------------------------------------


CONVERSION_ONLY = "joins an onboarding through its conversion"
ANCHOR_EVIDENCE = "recorded when they happen"
TIMES_EVIDENCE = "onboarding times are measured"
CLOCK_EVIDENCE = "clocks are kept"
# What the journey, its anchor events, the onboarding times and the clocks
# write on an onboarding: (field, value written, value imported, what the
# refusal says); a value given as ``lambda w: ...`` is built from the world.
JOURNEY_EVIDENCE = [
    ("journey_id", lambda w: w.journey_smb, None, ANCHOR_EVIDENCE),
    ("date_booked", "2026-01-05", "2026-01-05", ANCHOR_EVIDENCE),
    ("date_paid", "2026-01-06", "2026-01-06", ANCHOR_EVIDENCE),
    ("date_kickoff_held", "2026-01-07", "2026-01-07", ANCHOR_EVIDENCE),
    ("date_first_engagement", "2026-01-08", "2026-01-08", TIMES_EVIDENCE),
    ("time_to_first_engagement", 1, "1", TIMES_EVIDENCE),
    ("time_to_onboard", 2, "2", TIMES_EVIDENCE),
    ("date_stage_entered", "2026-01-09", "2026-01-09", CLOCK_EVIDENCE),
    ("stage_date_due", "2030-01-01", "2030-01-01", CLOCK_EVIDENCE),
    ("clock_state", "on_track", "on_track", CLOCK_EVIDENCE),
    ("stage_escalated", True, "1", CLOCK_EVIDENCE),
]


def journey_evidence(w, field, value):
    return {field: value(w) if callable(value) else value}


@pytest.mark.parametrize(
    "target, build_vals, fragment",
    [
        pytest.param(
            "onboarding",
            lambda w: {"initialized": True},
            "Initialize button",
            id="initialized",
        ),
        pytest.param(
            "onboarding",
            lambda w: {"date_done": "2026-01-31"},
            "Initialize button",
            id="date_done",
        ),
        pytest.param(
            "onboarding",
            lambda w: {"order_ids": [(4, w.order_draft)]},
            "linked by the conversion",
            id="onboarding-order_ids",
        ),
        pytest.param(
            "order_draft",
            lambda w: {"onboarding_conversion": "done"},
            CONVERSION_ONLY,
            id="order-onboarding_conversion",
        ),
        pytest.param(
            "order_draft",
            lambda w: {"onboarding_id": w.onboarding, "onboarding_conversion": "done"},
            CONVERSION_ONLY,
            id="order-onboarding_id",
        ),
        pytest.param(
            "order_converted",
            lambda w: {"onboarding_conversion": False},
            CONVERSION_ONLY,
            id="unconvert-order",
        ),
        pytest.param(
            "order_converted",
            lambda w: {"onboarding_id": False},
            CONVERSION_ONLY,
            id="detach-order",
        ),
        pytest.param(
            "customer_converted",
            lambda w: {"onboarding_introduced_date": False},
            "introduc",
            id="partner-onboarding_introduced_date",
        ),
        *(
            pytest.param(
                "onboarding",
                lambda w, field=field, value=value: journey_evidence(w, field, value),
                fragment,
                id=f"onboarding-{field}",
            )
            for field, value, _imported, fragment in JOURNEY_EVIDENCE
        ),
        pytest.param(
            "onboarding",
            lambda w: {
                "journey_line_ids": [(1, w.journey_lines[0], {"state": "done"})]
            },
            ANCHOR_EVIDENCE,
            id="onboarding-journey_line_ids-update",
        ),
        pytest.param(
            "onboarding",
            lambda w: {"journey_line_ids": [(2, w.journey_lines[0])]},
            ANCHOR_EVIDENCE,
            id="onboarding-journey_line_ids-delete",
        ),
    ],
)
def test_evidence_is_not_written_by_hand(
    admin, world, sales, target, build_vals, fragment
):
    model, record = {
        "onboarding": ("vshn.onboarding", world.onboarding),
        "order_draft": ("sale.order", world.order_draft),
        "order_converted": ("sale.order", world.order_converted),
        "customer_converted": ("res.partner", world.customer_converted),
    }[target]
    vals = build_vals(world)
    fields = list(vals)
    before = admin.read_one(model, record, fields)
    error = sales.attempt(model, "write", [record], vals)
    assert_clear(error, fragment)
    assert admin.read_one(model, record, fields) == before


@pytest.mark.parametrize(
    "model, vals, fragment",
    [
        pytest.param(
            "vshn.onboarding",
            {"initialized": True, "date_done": "2026-01-31"},
            "Initialize button",
            id="onboarding-born-initialized",
        ),
        pytest.param(
            "sale.order",
            {"onboarding_conversion": "done"},
            CONVERSION_ONLY,
            id="order-born-converted",
        ),
        *(
            pytest.param(
                "vshn.onboarding",
                lambda w, field=field, value=value: journey_evidence(w, field, value),
                fragment,
                id=f"onboarding-born-with-{field}",
            )
            for field, value, _imported, fragment in JOURNEY_EVIDENCE
        ),
        pytest.param(
            "vshn.onboarding",
            {
                "journey_line_ids": [
                    (0, 0, {"name": "Forged", "kind": "milestone", "anchor": "signed"})
                ]
            },
            ANCHOR_EVIDENCE,
            id="onboarding-born-with-journey_line_ids",
        ),
    ],
)
def test_evidence_is_not_created_by_hand(admin, world, sales, model, vals, fragment):
    name = f"RPC Born {world.tag} {uuid.uuid4().hex[:6]}"
    base = {
        "vshn.onboarding": {"name": name, "partner_id": world.customer},
        "sale.order": {"partner_id": world.customer, "client_order_ref": name},
    }[model]
    vals = vals(world) if callable(vals) else vals
    error = sales.attempt(model, "create", {**base, **vals})
    assert_clear(error, fragment)
    field = "name" if model == "vshn.onboarding" else "client_order_ref"
    assert admin.search(model, [(field, "=", name)]) == []


@pytest.mark.parametrize(
    "field, value, imported, fragment",
    [pytest.param(*case, id=case[0]) for case in JOURNEY_EVIDENCE],
)
@pytest.mark.parametrize("method", ["copy", "load"])
def test_journey_evidence_is_not_copied_or_imported(
    admin, world, sales, method, field, value, imported, fragment
):
    """A copy with the field as default, an import of the column: refused,
    no onboarding made (``load`` answers with messages, not an error)."""
    name = f"RPC Copied {world.tag} {uuid.uuid4().hex[:6]}"
    onboardings = ("vshn.onboarding", [("partner_id", "=", world.customer_converted)])
    before = admin.search(*onboardings)
    if method == "copy":
        error = sales.attempt(
            "vshn.onboarding",
            "copy",
            [world.onboarding],
            default={"name": name, **journey_evidence(world, field, value)},
        )
        assert_clear(error, fragment)
    else:
        column, imported = (
            ("journey_id/.id", str(world.journey_smb))
            if field == "journey_id"
            else (field, imported)
        )
        result = sales.call(
            "vshn.onboarding",
            "load",
            ["name", "partner_id/.id", column],
            [[name, str(world.customer_converted), imported]],
        )
        assert not result["ids"], result
        errors = " ".join(
            m["message"] for m in result["messages"] if m["type"] == "error"
        )
        assert fragment.lower() in errors.lower(), result
    assert admin.search(*onboardings) == before
    assert admin.search("vshn.onboarding", [("name", "=", name)]) == []


@pytest.mark.parametrize(
    "vals",
    [
        pytest.param({"evidence": False, "state": "done"}, id="drop-evidence"),
        pytest.param({"is_done": True}, id="write-is_done"),
        pytest.param({"kind": "setup"}, id="move-out-of-the-definition-of-done"),
    ],
)
def test_invoice_evidence_of_the_definition_of_done_holds(admin, world, sales, vals):
    """The "invoice posted" item ticks itself from a posted invoice only."""
    line = admin.search(
        "vshn.onboarding.checklist.line",
        [("onboarding_id", "=", world.onboarding), ("evidence", "=", "invoice_posted")],
    )
    assert len(line) == 1
    fields = ["evidence", "state", "is_done", "kind", "onboarding_id"]
    before = admin.read_one("vshn.onboarding.checklist.line", line[0], fields)
    assert before["is_done"] is False
    error = sales.attempt("vshn.onboarding.checklist.line", "write", line, vals)
    assert_clear(error, "evidence")
    assert admin.read_one("vshn.onboarding.checklist.line", line[0], fields) == before


def test_salesperson_cannot_skip_onboarding_stages(admin, world, sales):
    before = admin.read_one("vshn.onboarding", world.onboarding, ["stage_id"])
    error = sales.attempt(
        "vshn.onboarding",
        "write",
        [world.onboarding],
        {"stage_id": world.onb_stage_done},
    )
    assert_clear(error, "cannot enter", "Definition of Done")
    assert admin.read_one("vshn.onboarding", world.onboarding, ["stage_id"]) == before


# ----------------------------------------------------------------------
# The customer's number and account team
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "user, build",
    [
        pytest.param(
            "sales",
            lambda w: ("write", [[w.customer], {"customer_reference": "C99999"}]),
            id="salesperson-writes-company",
        ),
        pytest.param(
            "sales",
            lambda w: ("write", [[w.contact], {"customer_reference": "C99998"}]),
            id="salesperson-writes-contact",
        ),
        pytest.param(
            "sales",
            lambda w: (
                "create",
                [{"name": f"RPC Numbered {w.tag}", "customer_reference": "C99997"}],
            ),
            id="salesperson-creates-numbered",
        ),
        pytest.param(
            "admin",
            lambda w: (
                "write",
                [[w.customer_converted], {"customer_reference": "C99996"}],
            ),
            id="admin-renumbers-customer",
        ),
    ],
)
def test_customer_reference_comes_from_the_sequence(admin, world, login, user, build):
    method, args = build(world)
    records = [world.customer, world.contact, world.customer_converted]
    before = admin.read("res.partner", records, ["customer_reference"])
    error = login(user).attempt("res.partner", method, *args)
    assert_clear(error, "customer number")
    assert admin.read("res.partner", records, ["customer_reference"]) == before
    assert (
        admin.search("res.partner", [("name", "=", f"RPC Numbered {world.tag}")]) == []
    )


def account_team(admin, customer):
    return admin.call(
        "vshn.onboarding.stakeholder",
        "search_read",
        [("customer_id", "=", customer)],
        fields=["role_id", "user_id", "customer_id", "lead_id"],
    )


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda w, u: (
                "vshn.onboarding.stakeholder",
                "create",
                [
                    {
                        "customer_id": w.customer,
                        "role_id": w.role_sm,
                        "user_id": w.users["sales"],
                    }
                ],
            ),
            id="create-line",
        ),
        pytest.param(
            lambda w, u: (
                "vshn.onboarding.stakeholder",
                "write",
                [[w.account_team_line], {"user_id": w.users["sales"]}],
            ),
            id="write-line",
        ),
        pytest.param(
            lambda w, u: (
                "vshn.onboarding.stakeholder",
                "unlink",
                [[w.account_team_line]],
            ),
            id="unlink-line",
        ),
        pytest.param(
            lambda w, u: (
                "res.partner",
                "write",
                [[w.customer], {"csm_id": w.users["sales"]}],
            ),
            id="write-role-column",
        ),
        pytest.param(
            lambda w, u: (
                "res.partner",
                "write",
                [
                    [w.customer],
                    {
                        "stakeholder_ids": [
                            (0, 0, {"role_id": w.role_sm, "user_id": w.users["sales"]})
                        ]
                    },
                ],
            ),
            id="write-one2many",
        ),
        pytest.param(
            lambda w, u: (
                "vshn.onboarding.stakeholder",
                "write",
                [
                    [
                        u.create(
                            "vshn.onboarding.stakeholder",
                            {
                                "lead_id": w.lead,
                                "role_id": w.role_sm,
                                "user_id": w.users["sales"],
                            },
                        )
                    ],
                    {"lead_id": False, "customer_id": w.customer},
                ],
            ),
            id="move-deal-team-line-to-customer",
        ),
    ],
)
def test_salesperson_cannot_change_the_account_team(admin, world, sales, build):
    before = account_team(admin, world.customer)
    model, method, args = build(world, sales)
    error = sales.attempt(model, method, *args)
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    assert account_team(admin, world.customer) == before


def test_manager_may_change_the_account_team(admin, world, manager):
    customer = world.new_customer("Managed")
    line = manager.create(
        "vshn.onboarding.stakeholder",
        {
            "customer_id": customer,
            "role_id": world.role_sm,
            "user_id": world.users["sales"],
        },
    )
    assert [row["id"] for row in account_team(admin, customer)] == [line]
    manager.call(
        "vshn.onboarding.stakeholder",
        "write",
        [line],
        {"user_id": world.users["sales2"]},
    )
    row = admin.read_one("res.partner", customer, ["service_manager_id"])
    assert m2o_id(row["service_manager_id"]) == world.users["sales2"]


# ----------------------------------------------------------------------
# Bypass and private methods
# ----------------------------------------------------------------------


@pytest.mark.parametrize("user", ["sales", "plain", "finance"])
def test_non_manager_cannot_bypass_a_gate(admin, world, login, user):
    before = admin.read_one("crm.lead", world.lead, LEAD_STAGE_FIELDS)
    error = login(user).attempt(
        "vshn.onboarding.gate.bypass",
        "create",
        {
            "res_model": "crm.lead",
            "res_ids": str([world.lead]),
            "crm_stage_id": world.stage_offer,
            "reason": "I say so",
        },
    )
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    assert admin.read_one("crm.lead", world.lead, LEAD_STAGE_FIELDS) == before


PRIVATE_WATCH = {
    "order": lambda w: records(
        "sale.order", [w.order_draft], ["state", "onboarding_conversion"]
    ),
    "lead": lambda w: records("crm.lead", [w.lead], LEAD_STAGE_FIELDS + REVIEW_FIELDS),
    "customer": lambda w: records(
        "res.partner", [w.customer], ["customer_reference", "customer_status"]
    ),
    "onboarding": lambda w: records(
        "vshn.onboarding", [w.onboarding], ["initialized", "stage_id"]
    ),
    "journey": lambda w: (
        "vshn.onboarding.journey.line",
        [("onboarding_id", "=", w.onboarding)],
        JOURNEY_LINE_FIELDS,
    ),
    "anchors": lambda w: records(
        "vshn.onboarding",
        [w.onboarding],
        ["journey_id", "date_start", "date_booked", "date_paid", "date_kickoff_held"]
        + ["date_first_engagement", "time_to_onboard", "clock_state"],
    ),
}
JOURNEY_LINE_FIELDS = [
    "state",
    "user_id",
    "date_anchor",
    "date_planned",
    "date_due",
    "date_done",
    "clock_state",
    "escalated",
    "activity_id",
    "mail_message_id",
]
# the journey's private methods: (model, method, arguments, what they would change)
JOURNEY_PRIVATE = [
    (
        "vshn.onboarding",
        "_vshn_reach_anchor",
        lambda w: [[w.onboarding], "paid"],
        "journey",
    ),
    (
        "vshn.onboarding",
        "_vshn_move_day0",
        lambda w: [[w.onboarding], "2026-01-01"],
        "anchors",
    ),
    ("vshn.onboarding", "_vshn_start_journeys", lambda w: [[w.onboarding]], "journey"),
    ("vshn.onboarding", "_vshn_kickoff_held", lambda w: [[w.onboarding]], "anchors"),
    (
        "vshn.onboarding",
        "_vshn_first_invoice_paid",
        lambda w: [[w.onboarding]],
        "anchors",
    ),
    ("vshn.onboarding", "_vshn_update_times", lambda w: [[w.onboarding]], "anchors"),
    ("vshn.onboarding", "_vshn_update_clocks", lambda w: [[w.onboarding]], "anchors"),
    (
        "vshn.onboarding.journey.line",
        "_vshn_queue_emails",
        lambda w: [w.journey_lines],
        "journey",
    ),
    (
        "vshn.onboarding.journey.line",
        "_vshn_mark_done",
        lambda w: [w.journey_lines, "2026-01-01"],
        "journey",
    ),
]


@pytest.mark.parametrize(
    "model, method, build, watched",
    [
        pytest.param(
            "sale.order",
            "_vshn_convert_to_customer",
            lambda w: [[w.order_draft]],
            "order",
            id="sale.order._vshn_convert_to_customer",
        ),
        pytest.param(
            "sale.order",
            "_vshn_win_and_convert",
            lambda w: [[w.order_draft]],
            "order",
            id="sale.order._vshn_win_and_convert",
        ),
        pytest.param(
            "sale.order",
            "_cron_vshn_convert_confirmed_orders",
            lambda w: [],
            "order",
            id="sale.order._cron_vshn_convert_confirmed_orders",
        ),
        pytest.param(
            "vshn.onboarding",
            "_vshn_start_for_orders",
            lambda w: [[w.order_draft]],
            "order",
            id="vshn.onboarding._vshn_start_for_orders",
        ),
        pytest.param(
            "vshn.onboarding",
            "_initialize",
            lambda w: [[w.onboarding]],
            "onboarding",
            id="vshn.onboarding._initialize",
        ),
        pytest.param(
            "crm.lead",
            "_bypass_stage_gate",
            lambda w: [[w.lead], w.stage_offer, "reason"],
            "lead",
            id="crm.lead._bypass_stage_gate",
        ),
        pytest.param(
            "crm.lead",
            "_record_review",
            lambda w: [
                [w.lead],
                "user_id",
                "offer_reviewed_by_id",
                "offer_reviewed_date",
            ],
            "lead",
            id="crm.lead._record_review",
        ),
        pytest.param(
            "res.partner",
            "_vshn_make_customer",
            lambda w: [[w.customer]],
            "customer",
            id="res.partner._vshn_make_customer",
        ),
        *(
            pytest.param(model, method, build, watched, id=f"{model}.{method}")
            for model, method, build, watched in JOURNEY_PRIVATE
        ),
    ],
)
def test_private_methods_are_not_callable(
    admin, world, sales, model, method, build, watched
):
    watch = PRIVATE_WATCH[watched](world)
    before = snapshot(admin, watch)
    error = sales.attempt(model, method, *build(world))
    assert_clear(error, "Private methods", "cannot be called remotely")
    assert snapshot(admin, watch) == before


# ----------------------------------------------------------------------
# Finance, portal and plain sales users
# ----------------------------------------------------------------------


def test_finance_reads_and_invoices_an_order_it_did_not_sell(admin, world, login):
    finance = login("finance")
    order = world.order_converted
    row = finance.call("sale.order", "read", [order], ["user_id", "state"])[0]
    assert m2o_id(row["user_id"]) == world.users["sales"]
    assert row["state"] == "sale"
    context = {"active_model": "sale.order", "active_ids": [order], "active_id": order}
    wizard = finance.call(
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "delivered"},
        context=context,
    )
    finance.call(
        "sale.advance.payment.inv", "create_invoices", [wizard], context=context
    )
    invoices = admin.read_one("sale.order", order, ["invoice_ids"])["invoice_ids"]
    assert len(invoices) == 1
    move = admin.read_one("account.move", invoices[0], ["move_type", "amount_untaxed"])
    assert move["move_type"] == "out_invoice"
    assert move["amount_untaxed"] == pytest.approx(1000.0)


@pytest.mark.parametrize(
    "field", ["customer_status", "segment_id", "complexity", "onboarding_ids"]
)
def test_portal_user_cannot_read_internal_fields(admin, world, login, field):
    portal = login("portal")
    partner = portal.call("res.users", "read", [portal.uid], ["partner_id"])[0]
    assert m2o_id(partner["partner_id"]) == world.portal_contact
    # the portal user reads their own contact ...
    assert portal.call("res.partner", "read", [world.portal_contact], ["name"])
    # ... but not what is for internal users
    for record in (world.portal_contact, world.customer_portal):
        error = portal.attempt("res.partner", "read", [record], [field])
        assert_clear(error, field, names={"odoo.exceptions.AccessError"})


def test_plain_sales_user_confirms_own_quotation(admin, world, login):
    plain = login("plain")
    customer = world.new_customer("Plain")
    order = plain.create(
        "sale.order",
        {
            "partner_id": customer,
            "order_line": [(0, 0, {"product_id": world.product, "product_uom_qty": 1})],
        },
    )
    plain.call("sale.order", "action_confirm", [order])
    row = admin.read_one(
        "sale.order",
        order,
        ["state", "user_id", "onboarding_id", "onboarding_conversion"],
    )
    assert row["state"] == "sale"
    assert m2o_id(row["user_id"]) == world.users["plain"]
    assert row["onboarding_conversion"] == "done"
    assert row["onboarding_id"], row
    onboarding = admin.read_one(
        "vshn.onboarding", row["onboarding_id"][0], ["partner_id", "user_id", "kind"]
    )
    assert m2o_id(onboarding["partner_id"]) == customer
    assert m2o_id(onboarding["user_id"]) == world.users["plain"]
    assert onboarding["kind"] == "full"
    partner = admin.read_one(
        "res.partner", customer, ["customer_status", "customer_reference"]
    )
    assert partner["customer_status"] == "onboarding"
    assert partner["customer_reference"]


# ----------------------------------------------------------------------
# Duplicate ids: converted once
# ----------------------------------------------------------------------


def test_duplicate_ids_convert_once(admin, world, sales):
    customer = world.new_customer("Twice")
    # confirmed but not converted yet, as a customer's signature leaves it
    order = world.new_order(customer, world.users["sales"], state="sale")
    first = sales.call("sale.order", "action_convert_to_customer", [order, order])
    assert "1 order(s) converted" in first["params"]["message"], first
    onboardings = admin.search("vshn.onboarding", [("partner_id", "=", customer)])
    assert len(onboardings) == 1
    row = admin.read_one(
        "sale.order", order, ["onboarding_id", "onboarding_conversion"]
    )
    assert row["onboarding_conversion"] == "done"
    assert m2o_id(row["onboarding_id"]) == onboardings[0]
    again = sales.call("sale.order", "action_convert_to_customer", [order, order])
    assert "Nothing to do" in again["params"]["message"], again
    assert (
        admin.search("vshn.onboarding", [("partner_id", "=", customer)]) == onboardings
    )


# ----------------------------------------------------------------------
# Bad-input sweep
# ----------------------------------------------------------------------


def lead_watch(w, name):
    return records("crm.lead", [w.lead], LEAD_STAGE_FIELDS + REVIEW_FIELDS)


def onboarding_watch(w, name):
    fields = ["stage_id", "date_start", "date_end_planned", "kickoff_date"]
    return records(
        "vshn.onboarding", [w.onboarding], fields + ["user_id", "segment_id"]
    )


def journey_watch(w, name):
    return (
        "vshn.onboarding.journey.line",
        [("onboarding_id", "=", w.onboarding)],
        JOURNEY_LINE_FIELDS,
    )


def company_watch(w, name):
    fields = ["onboarding_retrospective_amount", "onboarding_new_offering_policy"]
    return records("res.company", [w.main_company], fields)


def bypass(
    res_model="crm.lead",
    res_ids=None,
    stage="offer",
    reason="CTO insists",
    then="action_bypass",
):
    """The bypass wizard opened with the context its button gives, tampered as
    given, then applied (``then="read"``: its preview of what is missing read).
    """

    def build(w, user, name):
        stage_fields = {
            "offer": {"crm_stage_id": w.stage_offer},
            "done": {"onboarding_stage_id": w.onb_stage_done},
            None: {},
        }[stage]
        wizard = user.call(
            "vshn.onboarding.gate.bypass",
            "create",
            {"reason": reason, **stage_fields},
            context={
                "default_res_model": res_model,
                "default_res_ids": str([w.lead]) if res_ids is None else res_ids(w),
            },
        )
        if then == "read":
            return "vshn.onboarding.gate.bypass", "read", [[wizard], ["missing"]], {}
        return "vshn.onboarding.gate.bypass", "action_bypass", [[wizard]], {}

    return build


def call(model, method, *args, **kwargs):
    """A call; an argument given as ``lambda w, name: ...`` is built from the
    world (and the case's unique name) when the case runs."""

    def build(w, user, name):
        def resolve(value):
            return value(w, name) if callable(value) else value

        return (
            model,
            method,
            [resolve(arg) for arg in args],
            {key: resolve(value) for key, value in kwargs.items()},
        )

    return build


def day0_plus(w, days):
    day0 = datetime.date.fromisoformat(w.onboarding_day0)
    return (day0 + datetime.timedelta(days=days)).isoformat()


WRONG_VALUE_OK = CLEAR_ERRORS | {WRONG_VALUE}
CONSTRAINT = "The operation cannot be completed"
INCOMPATIBLE = "Incompatible companies"
NOT_A_LIST = "must be a list of ids"

SWEEP = [
    # --- wrong types -------------------------------------------------
    pytest.param(
        "sales",
        call("sale.order", "action_convert_to_customer", ["abc"]),
        ("abc",),
        CLEAR_ERRORS,
        lambda w, n: records(
            "sale.order", [w.order_draft], ["state", "onboarding_conversion"]
        ),
        id="string-ids-to-convert",
    ),
    pytest.param(
        "sales2",
        call("crm.lead", "action_review_offer", lambda w, n: [{"id": w.lead}]),
        (),
        CLEAR_ERRORS,
        lead_watch,
        id="dict-ids-to-review",
    ),
    pytest.param(
        "sales",
        call("crm.lead", "write", lambda w, n: [w.lead], {"stage_id": "offer"}),
        ("offer",),
        WRONG_VALUE_OK,
        lead_watch,
        id="string-for-stage-id",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            lambda w, n: {"user_id": {"id": w.users["sales2"]}},
        ),
        ("user_id",),
        WRONG_VALUE_OK,
        onboarding_watch,
        id="dict-for-owner-id",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            {"date_start": "31.12.2026"},
        ),
        ("31.12.2026",),
        WRONG_VALUE_OK,
        onboarding_watch,
        id="day0-not-a-date",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: f"['{w.lead}']"),
        (NOT_A_LIST,),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-string-ids",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: "[True]"),
        (NOT_A_LIST,),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-boolean-ids",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: "[True]", then="read"),
        (NOT_A_LIST,),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-preview-of-boolean-ids",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: f"{{'id': {w.lead}}}"),
        (NOT_A_LIST,),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-dict-ids",
    ),
    pytest.param(
        "sales",
        call(
            "crm.lead.escalate",
            "create",
            lambda w, n: {
                "lead_ids": [(6, 0, [w.lead])],
                "target": "bogus",
                "reason": n,
            },
        ),
        ("bogus",),
        WRONG_VALUE_OK,
        lambda w, n: named("crm.lead.escalate", n, "reason"),
        id="escalation-target-bogus",
    ),
    pytest.param(
        "admin",
        call(
            "res.company",
            "write",
            lambda w, n: [w.main_company],
            {"onboarding_new_offering_policy": "bogus"},
        ),
        ("bogus",),
        WRONG_VALUE_OK,
        company_watch,
        id="new-offering-policy-bogus",
    ),
    # --- unknown ids -------------------------------------------------
    pytest.param(
        "sales",
        call("sale.order", "action_convert_to_customer", UNKNOWN_ID),
        ("does not exist",),
        CLEAR_ERRORS,
        lambda w, n: records("sale.order", [w.order_draft], ["onboarding_conversion"]),
        id="unknown-order-to-convert",
    ),
    pytest.param(
        "sales",
        call("crm.lead", "write", lambda w, n: [w.lead], {"stage_id": UNKNOWN_ID}),
        ("does not exist",),
        CLEAR_ERRORS,
        lead_watch,
        id="unknown-stage",
    ),
    pytest.param(
        "sales2",
        call("crm.lead", "action_review_offer", UNKNOWN_ID),
        ("does not exist",),
        CLEAR_ERRORS,
        lead_watch,
        id="unknown-lead-to-review",
    ),
    pytest.param(
        "sales",
        call("vshn.onboarding.checklist.line", "action_mark_done", UNKNOWN_ID),
        ("does not exist",),
        CLEAR_ERRORS,
        onboarding_watch,
        id="unknown-checklist-line",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: f"[{UNKNOWN_ID}]"),
        (str(UNKNOWN_ID),),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-unknown-ids",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: "[]"),
        (),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-no-ids",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding.gate.bypass",
            "create",
            lambda w, n: {
                "res_model": "crm.lead",
                "res_ids": str([w.lead]),
                "crm_stage_id": UNKNOWN_ID,
                "reason": n,
            },
        ),
        (CONSTRAINT, "crm_stage_id"),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-unknown-stage",
    ),
    # --- other company -----------------------------------------------
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: str([w.lead_other_company])),
        (),
        CLEAR_ERRORS,
        lambda w, n: records("crm.lead", [w.lead_other_company], LEAD_STAGE_FIELDS),
        id="bypass-other-company-deal",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            lambda w, n: {"technical_contact_id": w.partner_other_company},
        ),
        (INCOMPATIBLE,),
        CLEAR_ERRORS,
        lambda w, n: records(
            "vshn.onboarding", [w.onboarding], ["technical_contact_id"]
        ),
        id="onboarding-contact-of-other-company",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding.role.default",
            "create",
            lambda w, n: {"role_id": w.role_csm, "user_id": w.user_other_company},
        ),
        (INCOMPATIBLE,),
        CLEAR_ERRORS,
        lambda w, n: (
            "vshn.onboarding.role.default",
            [("user_id", "=", w.user_other_company)],
            ["id"],
        ),
        id="role-default-user-of-other-company",
    ),
    pytest.param(
        "sales",
        call(
            "vshn.onboarding.stakeholder",
            "create",
            lambda w, n: {
                "lead_id": w.lead,
                "role_id": w.role_csm,
                "user_id": w.user_other_company,
            },
        ),
        (INCOMPATIBLE,),
        CLEAR_ERRORS,
        lambda w, n: (
            "vshn.onboarding.stakeholder",
            [("lead_id", "=", w.lead)],
            ["id"],
        ),
        id="deal-team-user-of-other-company",
    ),
    # --- duplicate ids -----------------------------------------------
    pytest.param(
        "sales",
        call(
            "crm.lead",
            "write",
            lambda w, n: [w.lead, w.lead],
            lambda w, n: {"stage_id": w.stage_offer},
        ),
        ("cannot enter",),
        CLEAR_ERRORS,
        lead_watch,
        id="duplicate-ids-stage-write",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: f"[{w.lead}, {w.lead}]", stage=None),
        ("Choose the stage",),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-duplicate-ids-without-stage",
    ),
    pytest.param(
        "sales",
        call(
            "vshn.onboarding.stakeholder",
            "create",
            lambda w, n: [
                {"lead_id": w.lead, "role_id": w.role_sa, "user_id": w.users["sales2"]},
                {"lead_id": w.lead, "role_id": w.role_sa, "user_id": w.users["sales"]},
            ],
        ),
        ("One holder per role on a deal",),
        CLEAR_ERRORS,
        lambda w, n: (
            "vshn.onboarding.stakeholder",
            [("lead_id", "=", w.lead)],
            ["id"],
        ),
        id="same-role-twice-on-a-deal",
    ),
    # --- missing or inconsistent values ------------------------------
    pytest.param(
        "manager",
        bypass(res_model="res.users", res_ids=lambda w: "[1, 2]"),
        ("on opportunities and onboardings only", "res.users"),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-res-model-res-users",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: "[1,2"),
        (NOT_A_LIST,),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-res-ids-unclosed",
    ),
    pytest.param(
        "manager",
        bypass(res_ids=lambda w: '__import__("os")'),
        (NOT_A_LIST,),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-res-ids-code",
    ),
    pytest.param(
        "manager",
        bypass(stage=None),
        ("Choose the stage",),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-without-stage",
    ),
    pytest.param(
        "manager",
        bypass(res_model="vshn.onboarding", res_ids=lambda w: str([w.onboarding])),
        ("Choose the stage",),
        CLEAR_ERRORS,
        onboarding_watch,
        id="bypass-stage-of-the-other-model",
    ),
    pytest.param(
        "manager",
        bypass(reason="   "),
        ("Give the reason",),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-blank-reason",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding.gate.bypass",
            "create",
            lambda w, n: {
                "res_model": "crm.lead",
                "res_ids": str([w.lead]),
                "crm_stage_id": w.stage_offer,
            },
        ),
        (CONSTRAINT, "reason"),
        CLEAR_ERRORS,
        lead_watch,
        id="bypass-without-reason",
    ),
    pytest.param(
        "sales",
        call(
            "sale.order",
            "action_convert_to_customer",
            lambda w, n: [w.order_draft],
        ),
        ("Only confirmed orders",),
        CLEAR_ERRORS,
        lambda w, n: records("sale.order", [w.order_draft], ["onboarding_conversion"]),
        id="convert-a-draft-order",
    ),
    pytest.param(
        "sales",
        call("crm.lead", "action_convert_to_customer", lambda w, n: [w.lead]),
        ("Only won opportunities",),
        CLEAR_ERRORS,
        lead_watch,
        id="convert-a-deal-not-won",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding",
            "create",
            lambda w, n: {"name": n},
        ),
        (CONSTRAINT, "partner_id"),
        CLEAR_ERRORS,
        lambda w, n: named("vshn.onboarding", n),
        id="onboarding-without-customer",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding.stakeholder",
            "create",
            lambda w, n: {
                "lead_id": w.lead,
                "customer_id": w.customer,
                "role_id": w.role_sm,
            },
        ),
        ("exactly one deal, onboarding or customer",),
        CLEAR_ERRORS,
        lambda w, n: (
            "vshn.onboarding.stakeholder",
            ["|", ("lead_id", "=", w.lead), ("customer_id", "=", w.customer)],
            ["id"],
        ),
        id="stakeholder-of-two-holders",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding.stakeholder",
            "create",
            lambda w, n: {"customer_id": w.contact, "role_id": w.role_sm},
        ),
        ("belongs to the company",),
        CLEAR_ERRORS,
        lambda w, n: (
            "vshn.onboarding.stakeholder",
            [("customer_id", "=", w.contact)],
            ["id"],
        ),
        id="account-team-on-a-contact",
    ),
    pytest.param(
        "sales",
        call(
            "vshn.onboarding.stakeholder",
            "create",
            lambda w, n: {"lead_id": w.lead, "user_id": w.users["sales2"]},
        ),
        (CONSTRAINT, "role_id"),
        CLEAR_ERRORS,
        lambda w, n: (
            "vshn.onboarding.stakeholder",
            [("lead_id", "=", w.lead)],
            ["id"],
        ),
        id="stakeholder-without-role",
    ),
    pytest.param(
        "sales",
        call(
            "crm.lead",
            "write",
            lambda w, n: [w.lead],
            lambda w, n: {"solution_architect_id": w.users["portal"]},
        ),
        (),
        CLEAR_ERRORS,
        lambda w, n: records("crm.lead", [w.lead], ["solution_architect_id"]),
        id="portal-user-as-solution-architect",
    ),
    pytest.param(
        "sales",
        call(
            "crm.lead.escalate",
            "create",
            lambda w, n: {"lead_ids": [(6, 0, [w.lead])], "target": "legal"},
        ),
        (CONSTRAINT, "reason"),
        CLEAR_ERRORS,
        lead_watch,
        id="escalation-without-reason",
    ),
    # --- lost without its reasons ------------------------------------
    pytest.param(
        "sales",
        call(
            "crm.lead",
            "action_set_lost",
            lambda w, n: [w.lead],
            lost_reason_id=lambda w, n: w.lost_reason,
        ),
        ("lost reason and a written explanation",),
        CLEAR_ERRORS,
        lead_watch,
        id="lost-without-explanation",
    ),
    pytest.param(
        "sales",
        call("crm.lead", "write", lambda w, n: [w.lead], {"active": False}),
        ("lost reason and a written explanation",),
        CLEAR_ERRORS,
        lead_watch,
        id="archived-without-reasons",
    ),
    pytest.param(
        "sales",
        lambda w, u, n: (
            "crm.lead.lost",
            "action_lost_reason_apply",
            [
                [
                    u.create(
                        "crm.lead.lost",
                        {
                            "lead_ids": [(6, 0, [w.lead])],
                            "lost_reason_id": w.lost_reason,
                            "lost_feedback": "<p><br></p>",
                        },
                    )
                ]
            ],
            {},
        ),
        ("Document why",),
        CLEAR_ERRORS,
        lead_watch,
        id="lost-wizard-empty-closing-note",
    ),
    # --- out-of-order dates ------------------------------------------
    pytest.param(
        "sales",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            lambda w, n: {"date_end_planned": day0_plus(w, -1)},
        ),
        ("planned end cannot be before Day 0",),
        CLEAR_ERRORS,
        onboarding_watch,
        id="planned-end-before-day0",
    ),
    pytest.param(
        "sales",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            lambda w, n: {"kickoff_date": f"{day0_plus(w, -3)} 09:00:00"},
        ),
        ("kickoff cannot be before Day 0",),
        CLEAR_ERRORS,
        onboarding_watch,
        id="kickoff-before-day0",
    ),
    pytest.param(
        "sales",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            lambda w, n: {
                "date_start": day0_plus(w, 100),
                "date_end_planned": day0_plus(w, 50),
            },
        ),
        ("planned end cannot be before Day 0",),
        CLEAR_ERRORS,
        onboarding_watch,
        id="day0-moved-past-planned-end",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding",
            "write",
            lambda w, n: [w.onboarding],
            lambda w, n: {"stage_id": w.onb_stage_done},
        ),
        ("cannot enter", "Definition of Done"),
        CLEAR_ERRORS,
        onboarding_watch,
        id="onboarding-straight-to-done",
    ),
    # --- configuration -----------------------------------------------
    pytest.param(
        "admin",
        call(
            "res.company",
            "write",
            lambda w, n: [w.main_company],
            {"onboarding_retrospective_amount": -1},
        ),
        ("cannot be negative",),
        CLEAR_ERRORS,
        company_watch,
        id="negative-retrospective-threshold",
    ),
    pytest.param(
        "admin",
        call(
            "res.config.settings",
            "create",
            {"onboarding_retrospective_amount": -5},
        ),
        ("cannot be negative",),
        CLEAR_ERRORS,
        company_watch,
        id="negative-retrospective-threshold-in-settings",
    ),
    pytest.param(
        "admin",
        call(
            "res.company",
            "write",
            lambda w, n: [w.main_company],
            {"onboarding_new_offering_policy": False},
        ),
        (CONSTRAINT, "onboarding_new_offering_policy"),
        CLEAR_ERRORS,
        company_watch,
        id="new-offering-policy-empty",
    ),
    pytest.param(
        "manager",
        call(
            "vshn.onboarding.segment",
            "create",
            lambda w, n: {"name": n, "onboarding_days": 0},
        ),
        ("at least one day",),
        CLEAR_ERRORS,
        lambda w, n: named("vshn.onboarding.segment", n),
        id="segment-of-zero-days",
    ),
    # --- the journey's buttons ------------------------------------------
    *(
        pytest.param(
            user,
            call("vshn.onboarding.journey.line", "action_mark_reached", ids),
            fragments,
            CLEAR_ERRORS,
            journey_watch,
            id=f"mark-reached-{case}",
        )
        for case, user, ids, fragments in [
            ("string-ids", "sales", ["abc"], ("'abc'", "not record ids")),
            ("string", "sales", "12", ("'1', '2'", "not record ids")),
            ("dict-ids", "sales", lambda w, n: [{"id": w.journey_lines[0]}], ()),
            ("boolean-ids", "sales", [True], ("True", "not record ids")),
            ("unknown-id", "sales", UNKNOWN_ID, ("does not exist",)),
            (
                "unknown-among-own",
                "sales",
                lambda w, n: [w.journey_lines[0], UNKNOWN_ID],
                ("does not exist",),
            ),
            ("unknown-id-manager", "manager", [UNKNOWN_ID], ("does not exist",)),
        ]
    ),
    *(
        pytest.param(
            user,
            call("vshn.onboarding", "action_view_timeline_report", ids),
            fragments,
            CLEAR_ERRORS,
            onboarding_watch,
            id=f"timeline-report-{case}",
        )
        for case, user, ids, fragments in [
            ("string-ids", "sales", ["abc"], ("'abc'", "not record ids")),
            ("dict-ids", "sales", lambda w, n: [{"id": w.onboarding}], ()),
            ("float-ids", "sales", [1.5], ("1.5", "not record ids")),
            ("unknown-id", "sales", [UNKNOWN_ID], ("does not exist",)),
            ("unknown-id-manager", "manager", UNKNOWN_ID, ("does not exist",)),
        ]
    ),
]


@pytest.mark.parametrize("user, build, fragments, names, watch", SWEEP)
def test_bad_input_is_refused_clearly(
    admin, world, login, user, build, fragments, names, watch
):
    name = f"RPC Sweep {world.tag} {uuid.uuid4().hex[:6]}"
    rpc = login(user)
    before = snapshot(admin, watch(world, name))
    model, method, args, kwargs = build(world, rpc, name)
    error = rpc.attempt(model, method, *args, **kwargs)
    assert_clear(error, *fragments, names=names)
    assert snapshot(admin, watch(world, name)) == before


def test_salesperson_without_email_confirms_own_quotation(
    admin, world, server_url, server_db
):
    """Confirming works for a salesperson without an e-mail address, as in
    stock Odoo: the conversion's digests must not need the sender's address."""
    login_name = f"rpc_noemail_{world.tag}"
    user = admin.create(
        "res.users",
        {
            "name": f"RPC no e-mail {world.tag}",
            "login": login_name,
            "password": PASSWORD,
            "groups_id": [(6, 0, [admin.ref(GROUPS["sales"])])],
        },
    )
    assert admin.read_one("res.users", user, ["email"])["email"] is False
    rpc = Rpc(server_url, server_db, login_name, PASSWORD)
    customer = world.new_customer("No E-mail")
    order = rpc.create(
        "sale.order",
        {
            "partner_id": customer,
            "order_line": [(0, 0, {"product_id": world.product, "product_uom_qty": 1})],
        },
    )
    rpc.call("sale.order", "action_confirm", [order])
    row = admin.read_one("sale.order", order, ["state", "onboarding_conversion"])
    assert row == {"id": order, "state": "sale", "onboarding_conversion": "done"}


# ----------------------------------------------------------------------
# Finance: cost, margin and profitability are for finance and managers
# ----------------------------------------------------------------------
#
# Salespeople (sales, sales2: onboarding users; plain: stock salesman) and
# portal users keep stock Odoo's view of prices and order amounts; the
# profitability report and the cost, effort, margin and burn fields are for
# the Finance group and managers, over every RPC path: read, search, group
# by, the web client's calls, export, onchange and the smart buttons.

PROFITABILITY = "vshn.profitability.report"
OUTSIDERS = ["sales", "sales2", "plain", "portal"]
INSIDERS = ["finance", "manager"]
FINANCE_FIELDS = {
    "vshn.onboarding": [
        "invoiced_amount",
        "effort_cost",
        "margin_amount",
        "budget_burn",
        "budget_warning",
    ],
    "sale.order": ["invoiced_revenue", "effort_cost", "margin_amount"],
    "res.partner": [
        "profitability_revenue",
        "profitability_margin",
        "profitability_currency_id",
    ],
}
# what each record reads with the fields above, computed by hand: one posted
# invoice of 1,000.00 untaxed; 2 h of timesheet at 100.00/h on its project
SOLD = 1000.0
EFFORT = 200.0
MARGIN = SOLD - EFFORT
EXPECTED = {
    "vshn.onboarding": {
        "invoiced_amount": SOLD,
        "effort_cost": EFFORT,
        "margin_amount": MARGIN,
        "budget_burn": 100.0 * EFFORT / SOLD,
        "budget_warning": False,
    },
    "sale.order": {
        "invoiced_revenue": SOLD,
        "effort_cost": EFFORT,
        "margin_amount": MARGIN,
    },
    "res.partner": {"profitability_revenue": SOLD, "profitability_margin": MARGIN},
}
REPORT_MEASURES = ["revenue:sum", "effort_cost:sum", "margin:sum", "margin_percent:sum"]


class Books:
    """A customer sold by one user, invoiced and worked on, in the books."""


@pytest.fixture(scope="module")
def books(admin, world):
    """``books(key)``: the customer, confirmed order, onboarding and posted
    invoice of ``key``'s own sale (``portal``: of the portal user's company,
    sold by the salesperson), made once. Only the salesperson's has effort:
    a project with 2 h of timesheet at 100.00/h."""
    made = {}

    def make(key):
        if key in made:
            return made[key]
        b = Books()
        seller = key if key in ("sales", "sales2", "plain") else "sales"
        b.customer = (
            world.customer_portal
            if key == "portal"
            else world.new_customer(f"Profit {key}")
        )
        b.order = world.new_order(b.customer, world.users[seller])
        admin.call("sale.order", "action_confirm", [b.order])
        b.onboarding = admin.read_one("sale.order", b.order, ["onboarding_id"])[
            "onboarding_id"
        ][0]
        if key == "sales":
            project = admin.create(
                "project.project",
                {"name": f"RPC Profit {world.tag}", "allow_timesheets": True},
            )
            admin.call(
                "vshn.onboarding", "write", [b.onboarding], {"project_id": project}
            )
            admin.call("sale.order", "write", [b.order], {"project_id": project})
            employee = admin.create(
                "hr.employee", {"name": f"RPC Engineer {world.tag}", "hourly_cost": 100}
            )
            admin.create(
                "account.analytic.line",
                {
                    "name": "Work",
                    "project_id": project,
                    "employee_id": employee,
                    "unit_amount": 2,
                },
            )
        context = {
            "active_model": "sale.order",
            "active_ids": [b.order],
            "active_id": b.order,
        }
        wizard = admin.call(
            "sale.advance.payment.inv",
            "create",
            {"advance_payment_method": "delivered"},
            context=context,
        )
        admin.call(
            "sale.advance.payment.inv", "create_invoices", [wizard], context=context
        )
        (b.invoice,) = admin.read_one("sale.order", b.order, ["invoice_ids"])[
            "invoice_ids"
        ]
        admin.call("account.move", "action_post", [b.invoice])
        b.rows = admin.search(PROFITABILITY, [("partner_id", "=", b.customer)])
        assert b.rows, "the posted invoice is in the report"
        b.records = {
            "vshn.onboarding": b.onboarding,
            "sale.order": b.order,
            "res.partner": b.customer,
        }
        made[key] = b
        return b

    return make


@pytest.fixture(scope="module")
def exporters(admin, world):
    """Every test user may export, as Odoo's default user template allows:
    what stops them must be the access rights, not the export right."""
    export = admin.ref("base.group_allow_export")
    admin.call(
        "res.users",
        "write",
        [world.users[key] for key in OUTSIDERS + INSIDERS],
        {"groups_id": [(4, export)]},
    )


def report_attack(method, build):
    """A call on the profitability report; ``build(b)`` gives args, kwargs."""
    return pytest.param(method, build, id=f"report-{method}")


REPORT_ATTACKS = [
    report_attack(
        "search_read",
        lambda b: (
            [[("partner_id", "=", b.customer)]],
            {"fields": ["revenue", "effort_cost", "margin"]},
        ),
    ),
    report_attack("search", lambda b: ([[("margin", ">", 0)]], {})),
    report_attack("search_count", lambda b: ([[]], {})),
    report_attack(
        "read_group",
        lambda b: ([[], REPORT_MEASURES, ["partner_id"]], {"lazy": False}),
    ),
    report_attack("read", lambda b: ([b.rows, ["revenue", "margin"]], {})),
    report_attack(
        "web_read",
        lambda b: ([b.rows], {"specification": {"margin": {}, "partner_id": {}}}),
    ),
    report_attack("export_data", lambda b: ([b.rows, ["revenue", "margin"]], {})),
    report_attack(
        "web_search_read",
        lambda b: (
            [[("partner_id", "=", b.customer)]],
            {"specification": {"revenue": {}, "margin": {}}},
        ),
    ),
    report_attack(
        "web_read_group",
        lambda b: ([[], REPORT_MEASURES, ["partner_id", "date:month"]], {}),
    ),
    report_attack("name_search", lambda b: ([], {"name": ""})),
    report_attack("create", lambda b: ([{"revenue": 1.0}], {})),
    report_attack("unlink", lambda b: ([b.rows], {})),
]


@pytest.mark.parametrize("method, build", REPORT_ATTACKS)
@pytest.mark.parametrize("user", OUTSIDERS)
def test_profitability_report_is_closed_to_others(
    admin, books, exporters, login, user, method, build
):
    b = books("sales")
    before = snapshot(admin, records(PROFITABILITY, b.rows, ["revenue", "margin"]))
    args, kwargs = build(b)
    error = login(user).attempt(PROFITABILITY, method, *args, **kwargs)
    assert_clear(error, PROFITABILITY, names={"odoo.exceptions.AccessError"})
    assert (
        snapshot(admin, records(PROFITABILITY, b.rows, ["revenue", "margin"])) == before
    )


@pytest.mark.parametrize(
    "method, build",
    [
        pytest.param(m, bd, id=pid)
        for m, bd, pid in [
            ("create", lambda b: ([{"revenue": 1.0}], {}), "create"),
            ("write", lambda b: ([b.rows, {"revenue": 1.0}], {}), "write"),
            ("unlink", lambda b: ([b.rows], {}), "unlink"),
        ]
    ],
)
@pytest.mark.parametrize("user", INSIDERS)
def test_profitability_report_is_read_only(admin, books, login, user, method, build):
    b = books("sales")
    watch = records(PROFITABILITY, b.rows, ["revenue", "margin"])
    before = snapshot(admin, watch)
    args, kwargs = build(b)
    error = login(user).attempt(PROFITABILITY, method, *args, **kwargs)
    assert_clear(error, PROFITABILITY, names={"odoo.exceptions.AccessError"})
    assert snapshot(admin, watch) == before


def field_attack(method, build, pid=None):
    """A call on a record's finance fields: ``build(model, record, fields)``
    gives args, kwargs."""
    return pytest.param(method, build, id=pid or method)


FIELD_ATTACKS = [
    field_attack("read", lambda m, r, f: ([[r], f], {})),
    field_attack(
        "search_read",
        lambda m, r, f: ([[("id", "=", r)]], {"fields": f}),
    ),
    field_attack(
        "search",
        lambda m, r, f: ([[(name, "!=", False) for name in f]], {}),
        "search-domain",
    ),
    field_attack(
        "search",
        lambda m, r, f: (
            [[("id", "=", r)]],
            {"order": ", ".join(f"{name} desc" for name in f)},
        ),
        "search-order",
    ),
    field_attack(
        "search_count",
        lambda m, r, f: ([[(name, "!=", False) for name in f]], {}),
    ),
    field_attack(
        "read_group",
        lambda m, r, f: ([[("id", "=", r)], ["__count"], f], {"lazy": False}),
        "read_group-groupby",
    ),
    field_attack(
        "read_group",
        lambda m, r, f: ([[("id", "=", r)], [f"{name}:sum" for name in f], []], {}),
        "read_group-aggregate",
    ),
    field_attack(
        "web_read_group",
        lambda m, r, f: ([[("id", "=", r)], ["__count"], f], {"lazy": False}),
    ),
    field_attack(
        "web_read",
        lambda m, r, f: ([[r]], {"specification": {name: {} for name in f}}),
    ),
    field_attack(
        "web_search_read",
        lambda m, r, f: (
            [[("id", "=", r)]],
            {"specification": {name: {} for name in f}},
        ),
    ),
    field_attack("export_data", lambda m, r, f: ([[r], f], {})),
    field_attack(
        "onchange",
        lambda m, r, f: ([[r], {}, [], {name: {} for name in f}], {}),
    ),
]


def own_record(books, user, model):
    """The record of ``model`` the attacker reaches in their own work: their
    own sale (portal: their company; the order and onboarding of the sale
    they did not make)."""
    return books(user).records[model]


@pytest.mark.parametrize("method, build", FIELD_ATTACKS)
@pytest.mark.parametrize("model", list(FINANCE_FIELDS))
@pytest.mark.parametrize("user", OUTSIDERS)
def test_finance_fields_are_closed_to_others(
    admin, books, exporters, login, user, model, method, build
):
    record = own_record(books, user, model)
    fields = FINANCE_FIELDS[model]
    rpc = login(user)
    if user != "portal" or model == "res.partner":
        # the record itself is theirs to read: only the finance fields are not
        assert rpc.call(model, "read", [record], ["display_name"])
    watch = records(model, [record], ["write_date", *fields])
    before = snapshot(admin, watch)
    args, kwargs = build(model, record, fields)
    error = rpc.attempt(model, method, *args, **kwargs)
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    if user != "portal" or model == "res.partner":
        for name in fields:
            assert name in error.message, f"{name} not refused: {error}"
    assert snapshot(admin, watch) == before


RELATED_ATTACKS = [
    pytest.param(
        "sale.order",
        lambda b: [("onboarding_id.effort_cost", ">", 0)],
        "effort_cost",
        id="order-by-onboarding-effort",
    ),
    pytest.param(
        "vshn.onboarding",
        lambda b: [("order_ids", "any", [("margin_amount", ">", 0)])],
        "margin_amount",
        id="onboarding-by-order-margin",
    ),
    pytest.param(
        "res.partner",
        lambda b: [("sale_order_ids.margin_amount", ">", 0)],
        "margin_amount",
        id="customer-by-order-margin",
    ),
    pytest.param(
        "crm.lead",
        lambda b: [("partner_id.profitability_margin", ">", 0)],
        "profitability_margin",
        id="deal-by-customer-margin",
    ),
    pytest.param(
        "sale.order",
        lambda b: [("partner_id.commercial_partner_id.profitability_revenue", ">", 0)],
        "profitability_revenue",
        id="order-by-customer-revenue",
    ),
]


@pytest.mark.parametrize("model, build, field", RELATED_ATTACKS)
@pytest.mark.parametrize("user", ["sales", "plain"])
def test_finance_fields_are_not_searched_through_a_relation(
    books, login, user, model, build, field
):
    error = login(user).attempt(model, "search", build(books(user)))
    assert_clear(error, field, names={"odoo.exceptions.AccessError"})


@pytest.mark.parametrize("model", list(FINANCE_FIELDS))
@pytest.mark.parametrize("user", OUTSIDERS)
def test_profitability_button_opens_nothing_for_others(
    admin, books, login, user, model
):
    """The smart button is a public method: it answers with the report's
    access error rather than an action the user could not open."""
    record = books(user).records[model]
    watch = records(model, [record], ["write_date"])
    before = snapshot(admin, watch)
    error = login(user).attempt(model, "action_view_profitability", [record])
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    if user != "portal" or model == "res.partner":
        assert PROFITABILITY in error.message, error
    assert snapshot(admin, watch) == before


@pytest.mark.parametrize("model", list(FINANCE_FIELDS))
@pytest.mark.parametrize("user", OUTSIDERS + INSIDERS)
def test_fields_get_shows_finance_fields_to_finance_only(login, user, model):
    try:
        described = login(user).call(model, "fields_get", attributes=["type"])
    except RpcError as error:
        assert_clear(error, names={"odoo.exceptions.AccessError"})
        described = {}
    shown = set(FINANCE_FIELDS[model]) & set(described)
    assert shown == (set(FINANCE_FIELDS[model]) if user in INSIDERS else set())


@pytest.mark.parametrize(
    "model, method, args, kwargs",
    [
        pytest.param(
            "account.analytic.line",
            "search_read",
            [[("project_id", "!=", False)]],
            {"fields": ["amount", "unit_amount"]},
            id="timesheet-costs",
        ),
        pytest.param(
            "account.analytic.line",
            "read_group",
            [[], ["amount:sum"], ["account_id"]],
            {},
            id="analytic-costs-grouped",
        ),
        pytest.param(
            "hr.employee",
            "search_read",
            [[]],
            {"fields": ["hourly_cost"]},
            id="hourly-cost",
        ),
    ],
)
@pytest.mark.parametrize("user", OUTSIDERS)
def test_effort_is_not_read_from_its_sources(
    books, login, user, model, method, args, kwargs
):
    """The report's sources stay closed too: timesheet and vendor-bill costs
    on analytic lines, an employee's hourly cost."""
    books("sales")
    rpc = login(user)
    if user == "portal" and model == "account.analytic.line":
        # stock project sharing: a portal user reads the timesheets of the
        # projects shared with them, and no one shared the salesperson's
        assert rpc.call(model, method, *args, **kwargs) == []
        return
    error = rpc.attempt(model, method, *args, **kwargs)
    assert_clear(error, names={"odoo.exceptions.AccessError"})


def test_salesperson_keeps_prices_and_order_amounts(books, login):
    """What stock Odoo shows a salesperson stays."""
    b = books("sales")
    sales = login("sales")
    order = sales.call("sale.order", "read", [b.order], ["amount_untaxed"])[0]
    assert order["amount_untaxed"] == pytest.approx(SOLD)
    line = sales.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", b.order)],
        fields=["price_unit", "price_subtotal"],
    )
    assert [row["price_subtotal"] for row in line] == [pytest.approx(SOLD)]
    onboarding = sales.call(
        "vshn.onboarding", "read", [b.onboarding], ["amount_untaxed"]
    )[0]
    assert onboarding["amount_untaxed"] == pytest.approx(SOLD)


def assert_figures(row, expected):
    for name, value in expected.items():
        if isinstance(value, bool):
            assert row[name] is value, (name, row)
        else:
            assert row[name] == pytest.approx(value), (name, row)


@pytest.mark.parametrize("user", INSIDERS)
def test_finance_and_managers_read_the_figures_of_a_sale_not_theirs(
    world, books, exporters, login, user
):
    b = books("sales")
    rpc = login(user)
    order = rpc.call("sale.order", "read", [b.order], ["user_id"])[0]
    assert m2o_id(order["user_id"]) == world.users["sales"] != rpc.uid
    for model, expected in EXPECTED.items():
        record = b.records[model]
        (row,) = rpc.call(model, "read", [record], list(expected))
        assert_figures(row, expected)
        (row,) = rpc.call(
            model, "web_read", [record], specification={f: {} for f in expected}
        )
        assert_figures(row, expected)
        exported = rpc.call(model, "export_data", [record], list(expected))
        assert len(exported["datas"]) == 1
    found = rpc.call(
        "vshn.onboarding",
        "search",
        [("budget_warning", "=", False), ("id", "=", b.onboarding)],
    )
    assert found == [b.onboarding]
    # what they may search, sort and group by stays theirs
    assert rpc.call(
        "sale.order",
        "search",
        [("id", "=", b.order), ("amount_untaxed", ">", 0)],
        order="amount_untaxed desc",
    ) == [b.order]


@pytest.mark.parametrize("user", INSIDERS)
def test_finance_and_managers_read_the_report(books, exporters, login, user):
    b = books("sales")
    rpc = login(user)
    domain = [("partner_id", "=", b.customer)]
    expected = {
        "revenue": SOLD,
        "effort_cost": EFFORT,
        "margin": MARGIN,
        "margin_percent": 100.0 * MARGIN / SOLD,
    }
    grouped = rpc.call(
        PROFITABILITY,
        "web_read_group",
        domain,
        REPORT_MEASURES,
        ["partner_id"],
        lazy=False,
    )
    (group,) = grouped["groups"]
    assert m2o_id(group["partner_id"]) == b.customer
    assert_figures(group, expected)
    (group,) = rpc.call(
        PROFITABILITY, "read_group", domain, REPORT_MEASURES, [], lazy=False
    )
    assert_figures(group, expected)
    rows = rpc.call(
        PROFITABILITY,
        "web_search_read",
        domain,
        specification={"line_type": {}, "revenue": {}, "effort_cost": {}},
    )["records"]
    assert sorted(row["line_type"] for row in rows) == ["revenue", "timesheet"]
    assert sum(row["revenue"] for row in rows) == pytest.approx(SOLD)
    assert sum(row["effort_cost"] for row in rows) == pytest.approx(EFFORT)
    exported = rpc.call(PROFITABILITY, "export_data", b.rows, ["margin"])
    assert sum(float(row[0]) for row in exported["datas"]) == pytest.approx(MARGIN)
    assert rpc.call(PROFITABILITY, "name_search", "", limit=1)
    for model, record in b.records.items():
        action = rpc.call(model, "action_view_profitability", [record])
        assert action["res_model"] == PROFITABILITY
        rows = rpc.call(
            PROFITABILITY, "search_read", action["domain"], fields=["margin"]
        )
        assert sum(row["margin"] for row in rows) == pytest.approx(MARGIN)


def test_finance_of_another_company_reads_none_of_this_one(
    admin, world, books, server_url, server_db
):
    b = books("sales")
    login_name = f"rpc_finance_other_{world.tag}"
    admin.create(
        "res.users",
        {
            "name": f"RPC finance other company {world.tag}",
            "login": login_name,
            "password": PASSWORD,
            "company_id": world.other_company,
            "company_ids": [(6, 0, [world.other_company])],
            "groups_id": [(6, 0, [admin.ref(GROUPS["finance"])])],
        },
        allowed_company_ids=[world.main_company, world.other_company],
    )
    rpc = Rpc(server_url, server_db, login_name, PASSWORD)
    assert rpc.call(PROFITABILITY, "search", [("partner_id", "=", b.customer)]) == []
    error = rpc.attempt(PROFITABILITY, "read", b.rows, ["margin"])
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    error = rpc.attempt("sale.order", "read", [b.order], ["margin_amount"])
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    # the customer is shared between the companies: its figures are this
    # company's, which the other company's finance does not see
    (row,) = rpc.call(
        "res.partner", "read", [b.customer], FINANCE_FIELDS["res.partner"][:2]
    )
    assert_figures(row, {"profitability_revenue": 0.0, "profitability_margin": 0.0})


# --- invoicing exceptions: finance's list, the assigned account manager's to
# resolve; nobody else's ------------------------------------------------------

EXCEPTION = "vshn.invoicing.exception"
EXCEPTION_FIELDS = ["state", "resolution_note", "amount_expected", "user_id", "kind"]


@pytest.fixture(scope="module")
def invoicing_exception(admin, world, books):
    """An exception on the salesperson's customer, assigned to sales2 as its
    account manager: the seller is not the one who resolves it."""
    customer = books("sales").customer
    return admin.create(
        EXCEPTION,
        {
            "partner_id": customer,
            "kind": "wrong_amount",
            "user_id": world.users["sales2"],
            "amount_expected": 1000.0,
            "description": f"RPC exception {world.tag}",
        },
    )


EXCEPTION_ATTACKS = [
    pytest.param(lambda w, e, n: ("read", [[e], EXCEPTION_FIELDS]), id="read"),
    pytest.param(
        lambda w, e, n: (
            "web_read",
            [[e]],
            {"specification": {name: {} for name in EXCEPTION_FIELDS}},
        ),
        id="web_read",
    ),
    pytest.param(
        lambda w, e, n: (
            "create",
            [
                {
                    "partner_id": w.customer,
                    "kind": "missing_po",
                    "user_id": w.users["sales"],
                    "description": n,
                }
            ],
        ),
        id="create",
    ),
    pytest.param(
        lambda w, e, n: ("write", [[e], {"resolution_note": n}]), id="write-note"
    ),
    pytest.param(
        lambda w, e, n: ("write", [[e], {"user_id": w.users["sales"]}]),
        id="take-it-over",
    ),
    pytest.param(lambda w, e, n: ("action_resolve", [[e]]), id="resolve"),
    pytest.param(lambda w, e, n: ("action_reopen", [[e]]), id="reopen"),
    pytest.param(lambda w, e, n: ("unlink", [[e]]), id="unlink"),
    pytest.param(
        lambda w, e, n: ("message_post", [[e]], {"body": n}), id="message_post"
    ),
]


@pytest.mark.parametrize("build", EXCEPTION_ATTACKS)
@pytest.mark.parametrize("user", ["sales", "plain", "portal"])
def test_invoicing_exception_is_closed_to_others(
    admin, world, login, invoicing_exception, user, build
):
    name = f"RPC Exception {world.tag} {uuid.uuid4().hex[:6]}"
    method, args, *kwargs = build(world, invoicing_exception, name)
    watch = (
        EXCEPTION,
        ["|", ("id", "=", invoicing_exception), ("description", "=", name)],
        EXCEPTION_FIELDS,
    )
    messages = (
        "mail.message",
        [("model", "=", EXCEPTION), ("res_id", "=", invoicing_exception)],
        ["body"],
    )
    before = snapshot(admin, watch), snapshot(admin, messages)
    error = login(user).attempt(EXCEPTION, method, *args, **(kwargs or [{}])[0])
    # posting without a sender address stops before the access check: both
    # refuse, and nothing is posted
    names = CLEAR_ERRORS if method == "message_post" else None
    assert_clear(error, names=names or {"odoo.exceptions.AccessError"})
    assert (snapshot(admin, watch), snapshot(admin, messages)) == before


@pytest.mark.parametrize("user", ["sales", "sales2", "plain", "portal"])
def test_invoicing_exceptions_are_not_listed_for_others(
    login, invoicing_exception, user
):
    rpc = login(user)
    try:
        found = rpc.call(EXCEPTION, "search", [("id", "=", invoicing_exception)])
    except RpcError as error:
        assert_clear(error, names={"odoo.exceptions.AccessError"})
        return
    # an onboarding user lists the exceptions assigned to them only
    assert found == ([invoicing_exception] if user == "sales2" else [])


def test_assigned_account_manager_resolves_but_changes_nothing_else(
    admin, world, login, invoicing_exception
):
    sales2 = login("sales2")
    before = admin.read_one(EXCEPTION, invoicing_exception, EXCEPTION_FIELDS)
    error = sales2.attempt(
        EXCEPTION, "write", [invoicing_exception], {"amount_expected": 1.0}
    )
    assert_clear(error, "amount_expected", names={"odoo.exceptions.AccessError"})
    error = sales2.attempt(
        EXCEPTION, "write", [invoicing_exception], {"state": "resolved"}
    )
    assert_clear(error, "Resolve")
    assert admin.read_one(EXCEPTION, invoicing_exception, EXCEPTION_FIELDS) == before
    note = f"Credit note sent {world.tag}"
    sales2.call(EXCEPTION, "write", [invoicing_exception], {"resolution_note": note})
    sales2.call(EXCEPTION, "action_resolve", [invoicing_exception])
    row = admin.read_one(EXCEPTION, invoicing_exception, EXCEPTION_FIELDS)
    assert (row["state"], row["resolution_note"]) == ("resolved", note)
    assert row["amount_expected"] == pytest.approx(1000.0)
    # finance reopens it; the account manager still cannot take another's
    login("finance").call(EXCEPTION, "action_reopen", [invoicing_exception])
    assert admin.read_one(EXCEPTION, invoicing_exception, ["state"])["state"] == "open"


@pytest.mark.parametrize("user", INSIDERS)
def test_finance_and_managers_raise_and_resolve_exceptions(admin, world, login, user):
    rpc = login(user)
    exception = rpc.create(
        EXCEPTION,
        {
            "partner_id": world.customer,
            "kind": "missing_po",
            "user_id": world.users["sales"],
            "description": f"RPC raised by {user} {world.tag}",
        },
    )
    rpc.call(EXCEPTION, "action_resolve", [exception])
    row = admin.read_one(EXCEPTION, exception, ["state", "user_id"])
    assert row["state"] == "resolved"
    assert m2o_id(row["user_id"]) == world.users["sales"]


# --- key customers: flagged by managers and finance ---------------------------


@pytest.mark.parametrize(
    "user, build",
    [
        pytest.param(
            u,
            b,
            id=f"{u}-{pid}",
        )
        for u in ("sales", "sales2", "plain")
        for pid, b in [
            (
                "write",
                lambda w, c, n: ("write", [[c], {"is_key_customer": True}], {}),
            ),
            (
                "create",
                lambda w, c, n: (
                    "create",
                    [{"name": n, "is_company": True, "is_key_customer": True}],
                    {},
                ),
            ),
            (
                "copy",
                lambda w, c, n: (
                    "copy",
                    [[c]],
                    {"default": {"name": n, "is_key_customer": True}},
                ),
            ),
            (
                "alert-month",
                lambda w, c, n: (
                    "write",
                    [[c], {"key_customer_alert_month": "2026-01-01"}],
                    {},
                ),
            ),
        ]
    ]
    + [
        pytest.param(
            "portal",
            lambda w, c, n: (
                "write",
                [[w.portal_contact], {"is_key_customer": True}],
                {},
            ),
            id="portal-write-own-contact",
        ),
        pytest.param(
            "finance",
            lambda w, c, n: (
                "write",
                [[c], {"key_customer_alert_month": "2026-01-01"}],
                {},
            ),
            id="finance-alert-month",
        ),
    ],
)
def test_salespeople_do_not_flag_key_customers(admin, world, books, login, user, build):
    customer = books("sales").customer
    name = f"RPC Key {world.tag} {uuid.uuid4().hex[:6]}"
    method, args, kwargs = build(world, customer, name)
    fields = ["is_key_customer", "key_customer_alert_month"]
    watch = (
        "res.partner",
        ["|", ("id", "in", [customer, world.portal_contact]), ("name", "=", name)],
        fields,
    )
    before = snapshot(admin, watch)
    error = login(user).attempt("res.partner", method, *args, **kwargs)
    assert_clear(error)
    assert snapshot(admin, watch) == before


def test_salesperson_cannot_unflag_a_key_customer(admin, world, login):
    customer = world.new_customer("Key")
    login("finance").call("res.partner", "write", [customer], {"is_key_customer": True})
    error = login("sales").attempt(
        "res.partner", "write", [customer], {"is_key_customer": False}
    )
    assert_clear(error, "key customer", names={"odoo.exceptions.AccessError"})
    row = admin.read_one("res.partner", customer, ["is_key_customer"])
    assert row["is_key_customer"] is True
    login("manager").call(
        "res.partner", "write", [customer], {"is_key_customer": False}
    )
    row = admin.read_one("res.partner", customer, ["is_key_customer"])
    assert row["is_key_customer"] is False


def test_import_of_a_key_customer_flag_is_refused(admin, world, login):
    name = f"RPC Imported Key {world.tag}"
    result = login("sales").call(
        "res.partner", "load", ["name", "is_key_customer"], [[name, "1"]]
    )
    assert not result["ids"], result
    assert [m for m in result["messages"] if m["type"] == "error"], result
    assert admin.search("res.partner", [("name", "=", name)]) == []


# --- pipeline figures: one's own deals; the whole pipeline for managers,
# finance and sales managers ----------------------------------------------------

PIPELINE = "vshn.pipeline.report"


@pytest.fixture(scope="module")
def pipeline(admin, world, deal):
    """The pipeline rows of a deal of sales and of one of sales2."""
    own = deal(name=f"RPC Pipeline own {world.tag}")
    other = deal(name=f"RPC Pipeline other {world.tag}", user_id=world.users["sales2"])
    rows = {
        key: admin.search(PIPELINE, [("lead_id", "=", lead)])
        for key, lead in (("own", own), ("other", other))
    }
    assert rows["own"] and rows["other"], rows
    return rows


def test_salesperson_sees_the_pipeline_figures_of_own_deals_only(login, pipeline):
    sales = login("sales")
    fields = ["lead_id", "recurring_revenue_monthly", "expected_revenue"]
    domain = [("id", "in", pipeline["own"] + pipeline["other"])]
    rows = sales.call(PIPELINE, "search_read", domain, fields=fields)
    assert sorted(row["id"] for row in rows) == sorted(pipeline["own"])
    (group,) = sales.call(PIPELINE, "read_group", domain, ["__count"], [], lazy=False)
    assert group["__count"] == len(pipeline["own"])
    error = sales.attempt(PIPELINE, "read", pipeline["other"], fields)
    assert_clear(error, names={"odoo.exceptions.AccessError"})


@pytest.mark.parametrize("user", ["plain", "portal"])
@pytest.mark.parametrize("method", ["search_read", "read_group"])
def test_pipeline_figures_are_closed_to_non_onboarding_users(
    login, pipeline, user, method
):
    args = {
        "search_read": ([("id", "in", pipeline["own"])],),
        "read_group": ([], ["expected_revenue:sum"], ["user_id"]),
    }[method]
    error = login(user).attempt(PIPELINE, method, *args)
    assert_clear(error, PIPELINE, names={"odoo.exceptions.AccessError"})


@pytest.mark.parametrize("user", INSIDERS)
def test_managers_and_finance_see_the_whole_pipeline(login, pipeline, user):
    rpc = login(user)
    ids = pipeline["own"] + pipeline["other"]
    found = rpc.call(PIPELINE, "search", [("id", "in", ids)])
    assert sorted(found) == sorted(ids)
    error = rpc.attempt(PIPELINE, "write", pipeline["own"], {"expected_revenue": 1})
    assert_clear(error, PIPELINE, names={"odoo.exceptions.AccessError"})


def test_offer_sent_date_is_written_by_the_process_only(admin, world, sales):
    before = admin.read_one("crm.lead", world.lead, ["offer_sent_date"])
    error = sales.attempt(
        "crm.lead", "write", [world.lead], {"offer_sent_date": "2026-01-05 10:00:00"}
    )
    assert_clear(error)
    assert admin.read_one("crm.lead", world.lead, ["offer_sent_date"]) == before


# --- recurring contracts: finance's -------------------------------------------


@pytest.fixture(scope="module")
def contract(admin, world, books):
    b = books("sales")
    return admin.create(
        "contract.contract",
        {
            "name": f"RPC Contract {world.tag}",
            "partner_id": b.customer,
            "contract_type": "sale",
        },
    )


@pytest.mark.parametrize("user", ["sales", "plain"])
def test_salespeople_do_not_read_contracts(login, contract, user):
    rpc = login(user)
    for method, args in (
        ("read", ([contract], ["onboarding_id", "partner_id"])),
        ("search", ([("onboarding_id", "!=", False)],)),
    ):
        error = rpc.attempt("contract.contract", method, *args)
        assert_clear(error, "contract.contract", names={"odoo.exceptions.AccessError"})


def test_contracts_button_opens_no_contract_for_a_salesperson(books, login):
    """The onboarding's Contracts button is a public method: the action may
    come back, the contracts it lists stay closed."""
    sales = login("sales")
    b = books("sales")
    action = sales.call("vshn.onboarding", "action_view_contracts", [b.onboarding])
    error = sales.attempt(
        action["res_model"], "web_search_read", action["domain"], specification={}
    )
    assert_clear(error, "contract.contract", names={"odoo.exceptions.AccessError"})


def test_finance_reads_contracts(login, contract):
    (row,) = login("finance").call(
        "contract.contract", "read", [contract], ["onboarding_id", "partner_id"]
    )
    assert row["partner_id"]


# ----------------------------------------------------------------------
# Journeys: the steps on an onboarding are the process's record
# ----------------------------------------------------------------------
#
# A journey of a segment of its own, on a new onboarding of the salesperson:
# milestones marked reached by hand (one left open, one marked by the
# salesperson with duplicate ids, one for the manager), one reached by the
# first invoice paid, and an activity.

LINE = "vshn.onboarding.journey.line"
JOURNEY = "vshn.onboarding.journey"
STEP = "vshn.onboarding.journey.step"
TIME_REPORT = "vshn.onboarding.time.report"
TIMELINE_REPORT = "vshn.onboarding.timeline.report"
HAND_ONLY = "marked reached by hand"


@pytest.fixture(scope="module")
def journey(admin, world, login):
    j = World()
    tag = world.tag
    manager, sales = login("manager"), login("sales")
    j.todo = admin.ref("mail.mail_activity_data_todo")
    j.lead_type = admin.create(
        "mail.activity.type", {"name": f"RPC Deal Call {tag}", "res_model": "crm.lead"}
    )
    j.partner_template = admin.create(
        "mail.template",
        {
            "name": f"RPC Partner Letter {tag}",
            "model_id": admin.search("ir.model", [("model", "=", "res.partner")])[0],
        },
    )
    segment = manager.create(
        "vshn.onboarding.segment", {"name": f"RPC Segment {tag}", "onboarding_days": 60}
    )

    def step(name, kind="milestone", **vals):
        return (0, 0, {"name": f"RPC {name} {tag}", "kind": kind, **vals})

    j.journey = manager.create(
        JOURNEY,
        {
            "name": f"RPC Journey {tag}",
            "segment_id": segment,
            "step_ids": [
                step("Go-live", offset_days=5),
                step("Handed over"),
                step("Signed off", offset_days=3),
                step("Paid", reached_on="paid"),
                step("Call", "activity", activity_type_id=j.todo, customer_facing=True),
            ],
        },
    )
    customer = admin.create(
        "res.partner",
        {"name": f"RPC Journey {tag} AG", "is_company": True, "segment_id": segment},
    )
    order = world.new_order(customer, world.users["sales"])
    admin.call("sale.order", "action_confirm", [order])
    j.onboarding = admin.read_one("sale.order", order, ["onboarding_id"])[
        "onboarding_id"
    ][0]
    onboarding = admin.read_one(
        "vshn.onboarding", j.onboarding, ["journey_id", "date_start"]
    )
    assert m2o_id(onboarding["journey_id"]) == j.journey, onboarding
    j.day0 = onboarding["date_start"]
    lines = admin.call(
        LINE, "search_read", [("onboarding_id", "=", j.onboarding)], fields=["name"]
    )
    by_name = {row["name"].split(" ")[1]: row["id"] for row in lines}
    j.go_live, j.handed, j.signed_off = (
        by_name["Go-live"],
        by_name["Handed"],
        by_name["Signed"],
    )
    j.paid, j.call = by_name["Paid"], by_name["Call"]
    j.call_activity = m2o_id(
        admin.read_one(LINE, j.call, ["activity_id"])["activity_id"]
    )
    j.sales2 = world.users["sales2"]
    # the salesperson marks one reached, sending its id twice
    assert sales.call(LINE, "action_mark_reached", [j.handed, j.handed]) is True
    j.watch = (LINE, [("onboarding_id", "=", j.onboarding)], JOURNEY_LINE_FIELDS)
    return j


def test_journey_starts_and_the_owner_marks_a_milestone_once(admin, journey):
    rows = {
        row["id"]: row
        for row in admin.read(
            LINE,
            [journey.go_live, journey.handed, journey.paid, journey.call],
            ["state", "date_done", "activity_id"],
        )
    }
    assert rows[journey.handed]["state"] == "done"
    assert rows[journey.handed]["date_done"] == journey.day0
    assert rows[journey.go_live]["state"] == "planned"
    assert rows[journey.paid]["state"] == "planned"
    assert rows[journey.call]["activity_id"]


def line_vals(j, name):
    return {
        "onboarding_id": j.onboarding,
        "name": name,
        "kind": "milestone",
        "anchor": "signed",
        "state": "done",
        "date_done": "2026-01-01",
    }


# (method, build(journey, unique name) -> args, kwargs)
LINE_ATTACKS = {
    "create": lambda j, n: ([line_vals(j, n)], {}),
    **{
        f"write-{field}": (
            lambda j, n, field=field, value=value: (
                [[j.go_live], {field: value(j) if callable(value) else value}],
                {},
            )
        )
        for field, value in [
            ("state", "done"),
            ("date_done", "2026-01-01"),
            ("date_due", "2030-01-01"),
            ("clock_state", "on_track"),
            ("escalated", True),
            ("activity_id", lambda j: j.call_activity),
            ("user_id", lambda j: j.sales2),
        ]
    },
    "unlink": lambda j, n: ([[j.go_live]], {}),
    "copy": lambda j, n: ([[j.call]], {"default": {"name": n, "state": "done"}}),
}


# a salesperson on their own onboarding, a manager on anyone's: both refused
@pytest.mark.parametrize("user", ["sales", "manager"])
@pytest.mark.parametrize("attack", list(LINE_ATTACKS))
def test_journey_lines_are_written_by_the_process_only(
    admin, world, journey, login, user, attack
):
    name = f"RPC Forged {world.tag} {uuid.uuid4().hex[:6]}"
    method = attack.split("-")[0]
    args, kwargs = LINE_ATTACKS[attack](journey, name)
    before = snapshot(admin, journey.watch)
    error = login(user).attempt(LINE, method, *args, **kwargs)
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    assert snapshot(admin, journey.watch) == before
    assert admin.search(LINE, [("name", "=", name)]) == []


@pytest.mark.parametrize("user", ["sales", "manager"])
def test_journey_lines_are_not_imported(admin, world, journey, login, user):
    name = f"RPC Imported Step {world.tag} {user}"
    before = snapshot(admin, journey.watch)
    result = login(user).call(
        LINE,
        "load",
        ["onboarding_id/.id", "name", "kind", "anchor", "state", "date_done"],
        [[str(journey.onboarding), name, "milestone", "signed", "done", "2026-01-01"]],
    )
    assert not result["ids"], result
    errors = [m["message"] for m in result["messages"] if m["type"] == "error"]
    assert any("not allowed to create" in message for message in errors), result
    assert snapshot(admin, journey.watch) == before
    assert admin.search(LINE, [("name", "=", name)]) == []


@pytest.mark.parametrize(
    "user, build, fragments, names",
    [
        pytest.param(
            "sales2",
            lambda j: [j.go_live],
            ("read",),
            {"odoo.exceptions.AccessError"},
            id="another-s-onboarding",
        ),
        pytest.param(
            "plain",
            lambda j: [j.go_live],
            (),
            {"odoo.exceptions.AccessError"},
            id="plain-sales-on-another-s",
        ),
        pytest.param(
            "finance",
            lambda j: [j.go_live],
            ("write",),
            {"odoo.exceptions.AccessError"},
            id="finance-reads-but-does-not-edit",
        ),
        pytest.param(
            "portal",
            lambda j: [j.go_live],
            (),
            {"odoo.exceptions.AccessError"},
            id="portal",
        ),
        pytest.param(
            "sales",
            lambda j: [j.call],
            (HAND_ONLY, "RPC Call"),
            CLEAR_ERRORS,
            id="not-a-milestone",
        ),
        pytest.param(
            "sales",
            lambda j: [j.paid],
            (HAND_ONLY, "RPC Paid"),
            CLEAR_ERRORS,
            id="milestone-reached-by-an-event",
        ),
        pytest.param(
            "sales",
            lambda j: [j.handed],
            (HAND_ONLY, "RPC Handed over"),
            CLEAR_ERRORS,
            id="already-done",
        ),
        pytest.param(
            "manager",
            lambda j: [j.handed, j.handed],
            (HAND_ONLY, "RPC Handed over"),
            CLEAR_ERRORS,
            id="already-done-twice-by-manager",
        ),
        pytest.param(
            "sales",
            lambda j: [j.go_live, j.call],
            (HAND_ONLY, "RPC Call"),
            CLEAR_ERRORS,
            id="open-milestone-with-an-activity",
        ),
        pytest.param(
            "sales",
            lambda j: [j.go_live, UNKNOWN_ID],
            ("does not exist",),
            CLEAR_ERRORS,
            id="open-milestone-with-an-unknown-id",
        ),
    ],
)
def test_milestone_is_not_marked_reached_by_others(
    admin, journey, login, user, build, fragments, names
):
    before = snapshot(admin, journey.watch)
    error = login(user).attempt(LINE, "action_mark_reached", build(journey))
    assert_clear(error, *fragments, names=names)
    assert snapshot(admin, journey.watch) == before


def test_manager_marks_a_milestone_of_another_s_onboarding(admin, journey, manager):
    assert manager.call(LINE, "action_mark_reached", [journey.signed_off]) is True
    row = admin.read_one(LINE, journey.signed_off, ["state", "date_done"])
    assert row == {"id": journey.signed_off, "state": "done", "date_done": journey.day0}


@pytest.mark.parametrize(
    "user, expected",
    [("sales", True), ("manager", True), ("finance", True)]
    + [("sales2", False), ("plain", False), ("other", False)],
)
def test_journey_lines_are_read_where_the_onboarding_is(journey, login, user, expected):
    found = login(user).call(
        LINE, "search", [("onboarding_id", "=", journey.onboarding)]
    )
    assert bool(found) is expected, found
    if not expected:
        error = login(user).attempt(LINE, "read", [journey.go_live], ["name"])
        assert_clear(error, names={"odoo.exceptions.AccessError"})


@pytest.mark.parametrize(
    "model, method, build",
    [
        pytest.param(LINE, "search_read", lambda j: [[]], id="lines"),
        pytest.param(LINE, "read", lambda j: [[j.go_live], ["name"]], id="line"),
        pytest.param(
            "vshn.onboarding",
            "read",
            lambda j: [[j.onboarding], ["journey_line_ids"]],
            id="onboarding-lines",
        ),
        pytest.param(JOURNEY, "search_read", lambda j: [[]], id="journeys"),
        pytest.param(STEP, "read", lambda j: [[j.journey], ["name"]], id="steps"),
    ],
)
def test_portal_user_reads_no_journey(journey, login, model, method, build):
    error = login("portal").attempt(model, method, *build(journey))
    assert_clear(error, names={"odoo.exceptions.AccessError"})


# --- journey templates: the managers' configuration --------------------------


def journey_watch_of(j):
    return (
        JOURNEY,
        [("id", "=", j.journey)],
        ["name", "active", "segment_id", "step_ids"],
    )


JOURNEY_ATTACKS = {
    "create-journey": lambda j, n: (JOURNEY, "create", [{"name": n}], {}),
    "write-journey": lambda j, n: (JOURNEY, "write", [[j.journey], {"name": n}], {}),
    "archive-journey": lambda j, n: (JOURNEY, "action_archive", [[j.journey]], {}),
    "unlink-journey": lambda j, n: (JOURNEY, "unlink", [[j.journey]], {}),
    "copy-journey": lambda j, n: (JOURNEY, "copy", [[j.journey]], {"default": {}}),
    "create-step": lambda j, n: (
        STEP,
        "create",
        [{"journey_id": j.journey, "name": n, "kind": "milestone"}],
        {},
    ),
    "write-step-through-journey": lambda j, n: (
        JOURNEY,
        "write",
        [[j.journey], {"step_ids": [(0, 0, {"name": n, "kind": "milestone"})]}],
        {},
    ),
    "write-step": lambda j, n: (
        STEP,
        "write",
        [
            lambda admin: admin.search(STEP, [("journey_id", "=", j.journey)])[:1],
            {"offset_days": 30},
        ],
        {},
    ),
    "unlink-step": lambda j, n: (
        STEP,
        "unlink",
        [lambda admin: admin.search(STEP, [("journey_id", "=", j.journey)])[:1]],
        {},
    ),
}


# onboarding users and finance (plain salespeople have the same rights as
# every internal user: read)
@pytest.mark.parametrize("user", ["sales", "finance"])
@pytest.mark.parametrize("attack", list(JOURNEY_ATTACKS))
def test_salespeople_do_not_change_journeys(admin, world, journey, login, user, attack):
    name = f"RPC Journey Edit {world.tag} {uuid.uuid4().hex[:6]}"
    model, method, args, kwargs = JOURNEY_ATTACKS[attack](journey, name)
    args = [arg(admin) if callable(arg) else arg for arg in args]
    steps = (STEP, [("journey_id", "=", journey.journey)], ["name", "offset_days"])
    before = snapshot(admin, journey_watch_of(journey)), snapshot(admin, steps)
    error = login(user).attempt(model, method, *args, **kwargs)
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    after = snapshot(admin, journey_watch_of(journey)), snapshot(admin, steps)
    assert after == before
    assert admin.search(JOURNEY, [("name", "=", name)]) == []
    assert admin.search(STEP, [("name", "=", name)]) == []


def test_manager_edits_journeys(admin, world, journey, manager):
    name = f"RPC Managed Journey {world.tag}"
    created = manager.create(
        JOURNEY,
        {
            "name": name,
            "active": False,
            "step_ids": [(0, 0, {"name": "Kickoff held", "kind": "milestone"})],
        },
    )
    manager.call(JOURNEY, "write", [created], {"description": "Edited"})
    step = admin.read_one(JOURNEY, created, ["step_ids"])["step_ids"][0]
    manager.call(STEP, "write", [step], {"offset_days": 4, "target_working_days": 3})
    copied = manager.call(JOURNEY, "copy", [created])[0]
    assert len(admin.read_one(JOURNEY, copied, ["step_ids"])["step_ids"]) == 1
    manager.call(JOURNEY, "unlink", [created, copied])
    assert admin.search(JOURNEY, [("id", "in", [created, copied])]) == []


# a step's bad values: (its values, what the error names)
BAD_STEPS = [
    pytest.param(
        {"kind": "email"},
        ("needs an e-mail template",),
        CLEAR_ERRORS,
        id="email-without-template",
    ),
    pytest.param(
        {"kind": "activity"},
        ("needs an activity type",),
        CLEAR_ERRORS,
        id="activity-without-type",
    ),
    pytest.param(
        {"kind": "milestone", "offset_days": -3},
        ("before its anchor", "zero or more"),
        CLEAR_ERRORS,
        id="negative-offset",
    ),
    pytest.param(
        {"kind": "milestone", "target_working_days": -1},
        ("before its anchor", "zero or more"),
        CLEAR_ERRORS,
        id="negative-target",
    ),
    pytest.param(
        {"kind": "activity", "activity_type_id": lambda j: j.lead_type},
        ("activity type", "crm.lead", "for onboardings"),
        CLEAR_ERRORS,
        id="activity-type-of-deals",
    ),
    pytest.param(
        {"kind": "email", "mail_template_id": lambda j: j.partner_template},
        ("e-mail template", "res.partner", "template of onboardings"),
        CLEAR_ERRORS,
        id="template-of-partners",
    ),
    pytest.param(
        {"kind": "activity", "reached_on": "paid", "activity_type_id": "todo"},
        ("only milestones are reached",),
        CLEAR_ERRORS,
        id="activity-reached-by-an-event",
    ),
    pytest.param(
        {"kind": "milestone", "role_id": "Customer Success Manager"},
        ("takes the id of a record",),
        CLEAR_ERRORS,
        id="role-by-name",
    ),
    pytest.param(
        {"kind": "milestone", "role_id": UNKNOWN_ID},
        (CONSTRAINT,),
        CLEAR_ERRORS,
        id="unknown-role",
    ),
    pytest.param(
        {"kind": "milestone", "anchor": "tomorrow"},
        ("tomorrow",),
        WRONG_VALUE_OK,
        id="unknown-anchor",
    ),
]


@pytest.mark.parametrize("vals, fragments, names", BAD_STEPS)
@pytest.mark.parametrize("method", ["create", "write"])
def test_bad_journey_step_is_refused_clearly(
    admin, world, journey, manager, method, vals, fragments, names
):
    name = f"RPC Step {world.tag} {uuid.uuid4().hex[:6]}"
    vals = {
        key: (
            value(journey)
            if callable(value)
            else journey.todo
            if value == "todo"
            else value
        )
        for key, value in vals.items()
    }
    steps = (STEP, [("journey_id", "=", journey.journey)], ["name", "kind"])
    before = snapshot(admin, steps)
    if method == "create":
        args = [{"journey_id": journey.journey, "name": name, **vals}]
    else:
        args = [[admin.search(STEP, [("journey_id", "=", journey.journey)])[0]], vals]
    error = manager.attempt(STEP, method, *args)
    assert_clear(error, *fragments, names=names)
    if names is CLEAR_ERRORS and method == "create" and "role_id" not in vals:
        assert f"RPC Journey {world.tag}" in error.message, "names the journey"
    assert snapshot(admin, steps) == before


# --- the onboarding-times and Day -60 to +60 reports ---------------------------

REPORTS = [TIME_REPORT, TIMELINE_REPORT]


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize(
    "user, expected", [("sales", True), ("sales2", False), ("other", False)]
)
def test_reports_show_the_onboardings_one_may_read(
    journey, login, report, user, expected
):
    rpc = login(user)
    domain = [("onboarding_id", "=", journey.onboarding)]
    rows = rpc.call(report, "search_read", domain, fields=["onboarding_id"])
    assert bool(rows) is expected, rows
    assert {m2o_id(row["onboarding_id"]) for row in rows} <= {journey.onboarding}
    groups = rpc.call(
        report, "read_group", domain, ["onboarding_id"], ["onboarding_id"], lazy=False
    )
    assert bool(groups) is expected, groups


@pytest.mark.parametrize("report", REPORTS)
def test_plain_sales_user_sees_no_report_row_of_another(journey, login, report):
    rows = login("plain").call(
        report, "search_read", [("onboarding_id", "=", journey.onboarding)]
    )
    assert rows == []


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("method", ["search_read", "read_group"])
def test_reports_are_closed_to_portal_users(login, report, method):
    args = [[]] if method == "search_read" else [[], ["onboarding_id"], []]
    error = login("portal").attempt(report, method, *args)
    assert_clear(error, names={"odoo.exceptions.AccessError"})


@pytest.mark.parametrize("user", ["sales", "manager"])
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize(
    "method, build",
    [
        pytest.param("write", lambda ids: [ids, {"onboarding_id": False}], id="write"),
        pytest.param("unlink", lambda ids: [ids], id="unlink"),
        pytest.param("create", lambda ids: [{"name": "Forged"}], id="create"),
    ],
)
def test_reports_are_read_only(journey, login, user, report, method, build):
    rpc = login(user)
    ids = rpc.call(report, "search", [("onboarding_id", "=", journey.onboarding)])
    assert ids
    error = rpc.attempt(report, method, *build(ids))
    assert_clear(error, names={"odoo.exceptions.AccessError"})
    assert rpc.call(report, "search", [("onboarding_id", "=", journey.onboarding)]) == (
        ids
    )


@pytest.mark.parametrize("user", ["sales2", "plain", "portal"])
@pytest.mark.parametrize(
    "method, build",
    [
        pytest.param(
            "read", lambda j: [[j.onboarding], ["timeline_html"]], id="timeline_html"
        ),
        pytest.param(
            "action_view_timeline_report",
            lambda j: [[j.onboarding]],
            id="timeline-report-button",
        ),
    ],
)
def test_timeline_of_another_s_onboarding_is_refused(
    journey, login, user, method, build
):
    error = login(user).attempt("vshn.onboarding", method, *build(journey))
    assert_clear(error, names={"odoo.exceptions.AccessError"})


def test_owner_opens_the_timeline_report(world, journey, sales):
    action = sales.call(
        "vshn.onboarding", "action_view_timeline_report", [journey.onboarding]
    )
    assert action["res_model"] == TIMELINE_REPORT
    assert action["domain"] == [["onboarding_id", "in", [journey.onboarding]]]
    html = sales.call(
        "vshn.onboarding", "read", [journey.onboarding], ["timeline_html"]
    )[0]["timeline_html"]
    assert f"RPC Handed over {world.tag}" in html


def test_day0_is_not_moved_past_the_first_engagement(admin, journey, sales):
    """The owner may correct Day 0, not past the first customer-facing step
    done: the time to first engagement would turn negative in the report."""
    activity = admin.read_one(LINE, journey.call, ["activity_id"])["activity_id"]
    if activity:
        sales.call("mail.activity", "action_feedback", [activity[0]], feedback="Met")
    fields = ["date_start", "date_first_engagement", "time_to_first_engagement"]
    before = admin.read_one("vshn.onboarding", journey.onboarding, fields)
    assert before["date_first_engagement"] == journey.day0, before
    later = datetime.date.fromisoformat(journey.day0) + datetime.timedelta(days=10)
    error = sales.attempt(
        "vshn.onboarding", "write", [journey.onboarding], {"date_start": str(later)}
    )
    assert_clear(error, "cannot be after its first engagement", journey.day0)
    assert admin.read_one("vshn.onboarding", journey.onboarding, fields) == before
    rows = admin.call(
        TIME_REPORT,
        "search_read",
        [("onboarding_id", "=", journey.onboarding)],
        fields=["time_to_first_engagement"],
    )
    assert [row["time_to_first_engagement"] for row in rows] == [0.0]


@pytest.mark.parametrize(
    "vals",
    [
        pytest.param({"clock_state": "on_track"}, id="clock_state"),
        pytest.param({"date_paid": "2026-01-06"}, id="date_paid"),
        pytest.param({"time_to_onboard": 1}, id="time_to_onboard"),
    ],
)
def test_process_context_key_is_not_forged_over_rpc(admin, world, sales, vals):
    """The process's token is an object in the context: a caller sending the
    key with any JSON value is still refused."""
    before = admin.read_one("vshn.onboarding", world.onboarding, list(vals))
    error = sales.attempt(
        "vshn.onboarding",
        "write",
        [world.onboarding],
        vals,
        context={"vshn_onboarding_process": True},
    )
    assert_clear(error, "Refused")
    assert admin.read_one("vshn.onboarding", world.onboarding, list(vals)) == before
