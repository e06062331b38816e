"""Real-browser test of a whole case day on `qflow serve`, in headless Chromium (Debian).

The head nurse uploads the day's OR schedule (CSV) on the intake page; the case's bundle starts its checklists.
Then the circulating nurse, the scrub nurse, the surgeon and the anaesthetist each sign in, in their own browser
profile (separate cookie jars), and work their parts of the circulating-nurse, scrub-nurse and count checklists
through the pages - clicking the buttons and typing the values of the shipped worked runs
(Protocols/examples/*.run.yaml), each step by the role the worked run names. The counts reconcile, each checklist
is completed, and the board shows the case done. Pages must show titles, never item ids.

usage: python case_day.py QFLOW_BINARY REPO_ROOT        (exit 0 on success, 1 with a message otherwise)
Needs: chromium (apt), websocket-client and PyYAML (PyPI).
"""
import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zoneinfo

import websocket
import yaml

QFLOW, ROOT = sys.argv[1], sys.argv[2]
PROTOCOLS = os.path.join(ROOT, "Protocols")
SITE = os.path.join(ROOT, "Site", "site.yaml")
work = tempfile.mkdtemp(prefix="qflow-caseday-")
env = dict(os.environ, QFLOW_DB=os.path.join(work, "d.sqlite"), QFLOW_USER="setup", QFLOW_ROLE="administrator",
           QFLOW_PASSWORD_ITERATIONS="1000")
WORKED = ["or_circulating_nurse", "or_scrub_nurse", "surgical_counts"]
USERS = {"head_nurse": "h-1", "circulating_nurse": "n-1", "scrub_nurse": "n-2", "surgeon": "d-1",
         "anesthetist": "d-2"}


def fail(message):
    print("CASE-DAY TEST FAILED:", message)
    sys.exit(1)


def qflow(*args, stdin=None):
    done = subprocess.run([QFLOW, *args], env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"qflow {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


site = yaml.safe_load(open(SITE, encoding="utf-8"))
zone = zoneinfo.ZoneInfo(site["time_zone"])
room = site["rooms"][0]["id"]
today = datetime.datetime.now(zone).date()

qflow("init", "--test-database")
qflow("protocol", "publish", PROTOCOLS)
qflow("site", "apply", SITE)
for role, user in USERS.items():
    qflow("user", "add", user, "--name", f"{role} {user}", "--role", role, stdin=f"password {user}\n")

# The schedule: one case with the facts of the circulating nurse's worked run, at 08:30 today in the site's zone.
worked = {p: yaml.safe_load(open(os.path.join(PROTOCOLS, "examples", f"{p}.run.yaml"), encoding="utf-8"))
          for p in WORKED}
facts = {k: v for k, v in worked["or_circulating_nurse"]["subject"].items() if k != "scheduled_start"}
case_id = f"C{today:%Y%m%d}-001"
schedule = os.path.join(work, "schedule.csv")
with open(schedule, "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["case_id", "room", "procedure", "scheduled_start", "patient_ref", "ward", *facts])
    writer.writerow([case_id, room, "Distal radius K-wire fixation", f"{today:%Y-%m-%d} 08:30", "P-7f3a", "Orthopaedics",
                     *facts.values()])

server = subprocess.Popen([QFLOW, "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True)
browser = None
try:
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        fail(f"qflow serve did not start: {line!r}")
    base = f"http://127.0.0.1:{match.group(1)}"

    port = 9300 + (os.getpid() + 137) % 500
    browser = subprocess.Popen(
        [shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--remote-debugging-port={port}", f"--user-data-dir={os.path.join(work, 'profile')}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            version = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version"))
            break
        except Exception:
            time.sleep(0.1)
    else:
        fail("chromium did not open its debugging port")
    control = websocket.create_connection(version["webSocketDebuggerUrl"], timeout=30)

    class Tab:
        """One browser profile (its own cookie jar) with one page, driven through the DevTools protocol."""
        counter = 0

        def __init__(self, ws):
            self.ws = ws

        def call(self, method, **params):
            Tab.counter += 1
            self.ws.send(json.dumps({"id": Tab.counter, "method": method, "params": params}))
            while True:
                message = json.loads(self.ws.recv())
                if message.get("id") == Tab.counter:
                    if "error" in message:
                        fail(f"{method}: {message['error']}")
                    return message.get("result", {})

        def js(self, expression):
            result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
            return result.get("result", {}).get("value")

        def wait(self, before):
            for _ in range(400):
                time.sleep(0.025)
                try:
                    if self.js("document.readyState") == "complete" and self.js("window.__marker") != before:
                        return
                except Exception:
                    pass
            fail(f"page did not load (at {self.js('location.href')})")

        def go(self, path):
            marker = self.mark()
            self.call("Page.navigate", url=base + path)
            self.wait(marker)

        def mark(self):
            marker = f"m{time.time()}"
            self.js(f"window.__marker = '{marker}'")
            return marker

        def submit(self, script):
            """Runs a script that submits a form; waits for the next page."""
            marker = self.mark()
            outcome = self.js(script)
            if outcome not in (None, True):
                return outcome
            self.wait(marker)
            return None

        def text(self):
            return self.js("document.body.innerText") or ""

    def profile(user, role):
        context = Tab.__new__(Tab)
        Tab.counter += 1
        control.send(json.dumps({"id": Tab.counter, "method": "Target.createBrowserContext", "params": {}}))
        context_id = None
        while context_id is None:
            message = json.loads(control.recv())
            if message.get("id") == Tab.counter:
                context_id = message["result"]["browserContextId"]
        Tab.counter += 1
        control.send(json.dumps({"id": Tab.counter, "method": "Target.createTarget",
                                 "params": {"url": "about:blank", "browserContextId": context_id}}))
        target = None
        while target is None:
            message = json.loads(control.recv())
            if message.get("id") == Tab.counter:
                target = message["result"]["targetId"]
        tab = Tab(websocket.create_connection(f"ws://127.0.0.1:{port}/devtools/page/{target}", timeout=30))
        tab.call("Page.enable")
        tab.call("DOM.enable")
        tab.go("/login")
        tab.submit(f"""(() => {{
            document.querySelector('input[name=user]').value = {json.dumps(user)};
            document.querySelector('input[name=password]').value = {json.dumps('password ' + user)};
            document.querySelector('select[name=role]').value = {json.dumps(role)};
            document.querySelector('input[name=workstation]').value = {json.dumps(role + ' PC')};
            document.querySelector('form.signin').submit(); }})()""")
        if "Sign out" not in tab.text():
            fail(f"{user} did not reach a signed-in page: {tab.text()[:300]}")
        return tab

    # The head nurse uploads the schedule on the intake page.
    head = profile("h-1", "head_nurse")
    head.go("/cases/new")
    document = head.call("DOM.getDocument")
    node = head.call("DOM.querySelector", nodeId=document["root"]["nodeId"], selector="input[type=file]")
    if not node.get("nodeId"):
        fail("the intake page has no file input: " + head.text()[:300])
    head.call("DOM.setFileInputFiles", files=[schedule], nodeId=node["nodeId"])
    head.submit("document.querySelector('input[type=file]').form.submit()")
    page_text = head.text()
    if "1 added" not in page_text and "added 1" not in page_text:
        fail("the schedule was not imported: " + page_text[:500])

    # Which runs the bundle started: from the API, as the head nurse.
    request = urllib.request.Request(
        f"{base}/api/v1/sessions", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"user": "h-1", "password": "password h-1", "role": "head_nurse"}).encode())
    token = json.load(urllib.request.urlopen(request))["token"]

    def api(path):
        return json.load(urllib.request.urlopen(urllib.request.Request(
            f"{base}{path}", headers={"Authorization": f"Bearer {token}"})))

    case = next((c for c in api(f"/api/v1/cases?q={case_id}")["cases"] if c["id"] == case_id), None)
    if not case:
        fail(f"{case_id} is not listed after the import")
    runs = {r["protocol"]: r["id"] for r in case["runs"]}
    missing = [p for p in WORKED if p not in runs]
    if missing:
        fail(f"the bundle did not start {missing}: {sorted(runs)}")

    tabs = {"head_nurse": head}
    for role in ["circulating_nurse", "scrub_nurse", "surgeon", "anesthetist"]:
        tabs[role] = profile(USERS[role], role)

    # Each worked step, by its role, through the page: a button for yes/no/choices/signatures, a field for the rest.
    def local(value):
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")

    for protocol in WORKED:
        run_id = runs[protocol]
        last_role = None
        for step in worked[protocol]["steps"]:
            role = step.get("role") or worked[protocol].get("role")
            tab = tabs[role]
            # A person picks the run up afresh when someone else has written on it since (their page is out of date).
            if tab.js("location.pathname") != f"/runs/{run_id}" or last_role != role:
                tab.go(f"/runs/{run_id}")
            last_role = role
            if "sign" in step:
                item, value, verb = step["sign"], None, "sign"
            elif "record" in step:
                item, value, verb = step["record"], str(step["value"]), "record"
            else:
                continue
            if re.search(r"\b" + re.escape(item) + r"\b", tab.text()):
                fail(f"{protocol}: the page shows the item id {item}")
            is_time = isinstance(step.get("value"), str) and re.match(r"\d{4}-\d\d-\d\dT", str(step.get("value")))
            typed = local(value) if is_time else value
            outcome = tab.submit(f"""(() => {{
                const forms = [...document.querySelectorAll('form')].filter(f =>
                    f.querySelector('input[name=item][value={json.dumps(item)}]') &&
                    f.querySelector('input[name=verb]').value === {json.dumps(verb)});
                if (!forms.length) return 'no control for {item} ({verb}) as {role}';
                const exact = forms.find(f => {{ const v = f.querySelector('input[type=hidden][name=value]');
                    return v && v.value === {json.dumps(value)}; }});
                const form = exact || forms[0];
                const field = form.querySelector('input[name=value]:not([type=hidden]), textarea[name=value]');
                if (!exact && field) field.value = {json.dumps(typed)};
                else if (!exact && {json.dumps(verb)} === 'record') return 'no button for {item} = ' + {json.dumps(value)};
                form.querySelector('button').click();
                return true;
            }})()""")
            if outcome:
                fail(f"{protocol}: {outcome}; page: {tab.text()[:600]}")
            error = tab.js("document.querySelector('p.error[role=alert]') ? document.querySelector('p.error[role=alert]').innerText : ''")
            if error:
                fail(f"{protocol}: step {step} was refused: {error}")
        # The owner completes the checklist from its page.
        owner = tabs[worked[protocol]["steps"][0].get("role")]
        owner.go(f"/runs/{run_id}")
        outcome = owner.submit("""(() => {
            const button = [...document.querySelectorAll('form')].find(f =>
                f.querySelector('input[name=verb]') && f.querySelector('input[name=verb]').value === 'complete');
            if (!button) return 'no Complete button: ' + document.body.innerText.slice(0, 800);
            button.querySelector('button').click(); return true; })()""")
        if outcome:
            fail(f"{protocol}: {outcome}")
        document = json.load(urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/v1/runs/{run_id}", headers={"Authorization": f"Bearer {token}"})))
        if document["run"]["status"] != "completed":
            fail(f"{protocol} is {document['run']['status']}: {document['blockers']}")
        people = {e["user"] for e in document["events"]}
        expected = {USERS[step["role"]] for step in worked[protocol]["steps"] if step.get("role")}
        if not expected <= people:
            fail(f"{protocol}: expected {sorted(expected)} to have recorded through their own sessions, got {sorted(people)}")
        if {e.get("workstation") for e in document["events"] if e["user"] != "h-1"} - {f"{r} PC" for r in USERS}:
            fail(f"{protocol}: events without the person's workstation: {document['events'][:3]}")

    # The board shows the case done; the head nurse's pages show titles, not ids.
    head.go("/board")
    row = head.js(f"""(() => {{ const a = [...document.querySelectorAll('tr a')].find(a => a.textContent === {json.dumps(case_id)});
        return a ? a.closest('tr').className : null; }})()""")
    if row != "done":
        fail(f"the board does not show {case_id} done (row class {row!r}): {head.text()[:600]}")
    for protocol in WORKED:
        if protocol in head.text():
            fail(f"the board shows the protocol id {protocol}")
    print(f"case-day test passed: {case_id} imported, {len(WORKED)} checklists completed by "
          f"{len(USERS) - 1} people in their own browser profiles, the board shows it done")
finally:
    if browser:
        browser.terminate()
    server.terminate()
    shutil.rmtree(work, ignore_errors=True)
