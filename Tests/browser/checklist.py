"""Real-browser test: headless Chromium (Debian) signs in to `qflow serve`, opens a linen batch's checklist,
answers it to completion by clicking and typing like a nurse, and checks the result through the JSON API.

usage: python checklist.py QFLOW_BINARY PROTOCOLS_DIR        (exit 0 on success, 1 with a message otherwise)
Needs: chromium (apt), websocket-client (PyPI).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

QFLOW, PROTOCOLS = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="qflow-browser-")
env = dict(os.environ, QFLOW_DB=os.path.join(work, "b.sqlite"), QFLOW_USER="setup", QFLOW_ROLE="linen_staff",
           QFLOW_PASSWORD_ITERATIONS="1000")


def qflow(*args, stdin=None):
    done = subprocess.run([QFLOW, *args], env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"qflow {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def fail(message):
    print("BROWSER TEST FAILED:", message)
    sys.exit(1)


qflow("init", "--test-database")
qflow("protocol", "publish", PROTOCOLS)
qflow("case", "add", "LB-1", "--kind", "linen-batch", "--fact", "infected=false", "--fact", "standard=htm0104")
qflow("run", "start", "linen_thermal_wash", "--case", "LB-1")
qflow("user", "add", "l-1", "--name", "Laundry One", "--role", "linen_staff", stdin="password l-1\n")

server = subprocess.Popen([QFLOW, "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True)
browser = None
try:
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        fail(f"qflow serve did not start: {line!r}")
    base = f"http://127.0.0.1:{match.group(1)}"

    port = 9300 + os.getpid() % 500
    browser = subprocess.Popen(
        [shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--remote-debugging-port={port}", f"--user-data-dir={os.path.join(work, 'profile')}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
            page = next(t for t in targets if t.get("type") == "page")
            break
        except Exception:
            time.sleep(0.1)
    else:
        fail("chromium did not open its debugging port")
    ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
    counter = [0]

    def call(method, **params):
        counter[0] += 1
        ws.send(json.dumps({"id": counter[0], "method": method, "params": params}))
        while True:
            message = json.loads(ws.recv())
            if message.get("id") == counter[0]:
                return message.get("result", {})

    def js(expression):
        result = call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_loaded(previous=None):
        for _ in range(200):
            if js("document.readyState") == "complete" and js("location.href") != previous:
                return
            time.sleep(0.05)
        fail(f"page did not load (still {js('location.href')})")

    call("Page.enable")
    call("Page.navigate", url=f"{base}/login")
    wait_loaded("about:blank")
    js("""(() => {
        document.querySelector('input[name=user]').value = 'l-1';
        document.querySelector('input[name=password]').value = 'password l-1';
        document.querySelector('select[name=role]').value = 'linen_staff';
        document.querySelector('input[name=workstation]').value = 'Laundry PC';
        document.querySelector('form').submit(); })()""")
    wait_loaded(f"{base}/login")
    if "Today" not in (js("document.body.innerText") or ""):
        fail("sign-in did not reach today's page: " + (js("document.body.innerText") or "")[:300])

    call("Page.navigate", url=f"{base}/runs/R000001")
    wait_loaded(f"{base}/")
    # Answer like a nurse: the first open control of the current phase, again and again, then Complete.
    readings = {"wash.temp_c": "71.5", "wash.hold_min": "5"}
    for step in range(30):
        page_text = js("document.body.innerText") or ""
        if "BROWSER" in page_text:
            break
        action = js("""(() => {
            const readings = %s;
            const complete = [...document.querySelectorAll('button')].find(b => b.textContent.startsWith('Complete'));
            const forms = [...document.querySelectorAll('section.current form')];
            const form = forms[0];
            if (!form) { if (complete) { complete.click(); return 'complete'; } return 'none'; }
            const item = form.querySelector('input[name=item]');
            const input = form.querySelector('input[name=value]:not([type=hidden]), textarea[name=value]');
            if (input) { input.value = readings[item.value] || '1'; }
            form.querySelector('button').click();
            return (item ? item.value : '?') + ':' + form.querySelector('button').textContent;
        })()""" % json.dumps(readings))
        if action == "none":
            break
        previous = js("location.href")
        for _ in range(200):
            time.sleep(0.05)
            if js("document.readyState") == "complete" and js("document.body") is not None:
                break
        if action == "complete":
            time.sleep(0.3)
            break
        if "error" in (js("document.querySelector('.error') ? document.querySelector('.error').innerText : ''") or ""):
            fail("the page shows an error: " + js("document.querySelector('.error').innerText"))

    # Check the result through the API.
    request = urllib.request.Request(
        f"{base}/api/v1/sessions", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"user": "l-1", "password": "password l-1", "role": "linen_staff"}).encode())
    token = json.load(urllib.request.urlopen(request))["token"]
    run = json.load(urllib.request.urlopen(urllib.request.Request(
        f"{base}/api/v1/runs/R000001", headers={"Authorization": f"Bearer {token}"})))
    status = run["run"]["status"]
    answers = {item["id"]: item.get("value") for item in run["items"]}
    if status != "completed":
        fail(f"the run is {status}, not completed; answers: {answers}; blockers: {run['blockers']}")
    if answers.get("wash.temp_c") != "71.5" or run["events"][-1]["workstation"] != "Laundry PC":
        fail(f"unexpected record: {answers}, last event {run['events'][-1]}")
    print(f"browser test passed: {len(run['events'])} events, the run is completed through the pages")
finally:
    if browser:
        browser.terminate()
    server.terminate()
    shutil.rmtree(work, ignore_errors=True)
