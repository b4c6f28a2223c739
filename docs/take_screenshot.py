"""Screenshot a page of a running Odoo as a given user, for the README.

    python docs/take_screenshot.py URL DB LOGIN PASSWORD PATH OUT.png
        [WIDTH HEIGHT [SCRIPT]]

Logs in over JSON-RPC, hands the session cookie to headless Chromium through
the DevTools protocol, opens PATH (e.g. /odoo/onboardings), waits for the page
to settle, runs SCRIPT in the page if given (e.g. a click on a form's tab)
and writes the PNG. Needs Debian's chromium and websocket-client.
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket


def login(url, db, user, password):
    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={"params": {"db": db, "login": user, "password": password}},
        timeout=30,
    )
    response.raise_for_status()
    return session.cookies["session_id"]


def main():
    url, db, user, password, path, out = sys.argv[1:7]
    width, height = (int(value) for value in (sys.argv[7:9] or (1600, 900)))
    script = sys.argv[9] if len(sys.argv) > 9 else None
    session_id = login(url, db, user, password)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp()
    chrome = subprocess.Popen(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-port=9333",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            try:
                targets = requests.get("http://127.0.0.1:9333/json", timeout=2).json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 1000))

        def call(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                answer = json.loads(ws.recv())
                if answer.get("id") == message_id:
                    return answer.get("result", {})

        call("Network.enable")
        call(
            "Network.setCookie",
            name="session_id",
            value=session_id,
            url=url,
        )
        call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        call("Page.navigate", url=f"{url}{path}")
        time.sleep(8)
        if script:
            call("Runtime.evaluate", expression=script)
            time.sleep(2)
        shot = call("Page.captureScreenshot", format="png")
        with open(out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    finally:
        chrome.terminate()
        chrome.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
