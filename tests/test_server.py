"""The served instance (setup/test.sh starts it with demo data) answers."""

import requests

TIMEOUT = 30


def test_login_page_answers(server_url):
    response = requests.get(f"{server_url}/web/login", timeout=TIMEOUT)
    assert response.status_code == 200
    assert 'name="login"' in response.text


def jsonrpc(server_url, service, method, *args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": list(args)},
    }
    response = requests.post(f"{server_url}/jsonrpc", json=payload, timeout=TIMEOUT)
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]


def test_jsonrpc_addon_is_installed(server_url, server_db):
    uid = jsonrpc(server_url, "common", "authenticate", server_db, "admin", "admin", {})
    assert uid
    modules = jsonrpc(
        server_url,
        "object",
        "execute_kw",
        server_db,
        uid,
        "admin",
        "ir.module.module",
        "search_read",
        [[["name", "=", "vshn_sales_onboarding"]]],
        {"fields": ["state"]},
    )
    assert modules == [{"id": modules[0]["id"], "state": "installed"}]


def test_jsonrpc_demo_leads_are_there(server_url, server_db):
    uid = jsonrpc(server_url, "common", "authenticate", server_db, "admin", "admin", {})
    count = jsonrpc(
        server_url,
        "object",
        "execute_kw",
        server_db,
        uid,
        "admin",
        "crm.lead",
        "search_count",
        [[["partner_id.commercial_partner_id.name", "=", "Helvetia Private Bank AG"]]],
    )
    assert count >= 1
