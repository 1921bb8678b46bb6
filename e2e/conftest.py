"""Browser journeys: the real jiujin binary on a free loopback port with a temp
data directory, driven by Debian's chromium through selenium."""
import http.server, json, os, shutil, signal, socket, subprocess, tempfile, threading, time, urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("JIUJIN_BIN") or os.path.join(ROOT, ".build", "debug", "jiujin")
SHOTS = os.path.join(ROOT, "e2e", "screenshots")
PASSWORD = "jiujin2026"


SMS = []


class SMSGateway(http.server.BaseHTTPRequestHandler):
    """Stands in for the county's SMS gateway: jiujin's outbox posts every message here (JIUJIN_NOTIFY_WEBHOOK)."""
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        SMS.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def last_sms(phone, kind=None, after=0, timeout=20):
    """The newest message to `phone` (of `kind`) among those after the first `after`, waiting for the outbox round."""
    for _ in range(timeout * 5):
        found = [m for m in SMS[after:] if m.get("phone") == phone and (kind is None or m.get("kind") == kind)]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no message to {phone} ({kind}) in {timeout}s: {SMS[-3:]}")


@pytest.fixture(scope="session")
def server():
    shutil.rmtree(SHOTS, ignore_errors=True)
    data = tempfile.mkdtemp(prefix="jiujin-e2e-")
    gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SMSGateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    env = dict(os.environ, JIUJIN_DATA_DIR=data, LOG_LEVEL="warning",
               JIUJIN_NOTIFY_WEBHOOK=f"http://127.0.0.1:{gateway.server_address[1]}/sms")
    env.pop("DATABASE_URL", None)
    log = open(os.path.join(data, "server.log"), "w")
    proc = subprocess.Popen([BIN, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("jiujin did not start")
    yield base
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    gateway.shutdown()
    shutil.rmtree(data, ignore_errors=True)


class Browser:
    def __init__(self, base, width=1366, height=768):
        opts = webdriver.ChromeOptions()
        # Every request the page makes, to show that nothing comes from another host.
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
                  "--lang=zh-CN"]:
            opts.add_argument(a)
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
        self.driver.implicitly_wait(5)
        self.base = base

    def go(self, path):
        self.driver.get(self.base + path)

    def login(self, username):
        self.go("/login")
        self.fill(username=username, password=PASSWORD)
        self.click_button("登录")
        assert "/login" not in self.driver.current_url, self.text()

    def logout(self):
        self.click_button("退出")

    def fill(self, scope=None, **fields):
        root = scope or self.driver
        for name, value in fields.items():
            el = root.find_element(By.NAME, name)
            el.clear()
            el.send_keys(value)

    def set_date(self, name, value, scope=None):
        root = scope or self.driver
        el = root.find_element(By.NAME, name)
        self.driver.execute_script("arguments[0].value = arguments[1]", el, value)

    def select(self, name, value, scope=None):
        Select((scope or self.driver).find_element(By.NAME, name)).select_by_value(value)

    def check(self, name, value):
        box = self.driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]')
        if not box.is_selected():
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
            box.click()

    def submit(self, element):
        """Clicks something that submits a form and waits for the next page."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

        def replaced(_):
            try:
                page.is_enabled()
                return False
            except WebDriverException:  # stale, or "node does not belong to the document"
                return True
        WebDriverWait(self.driver, 15).until(replaced)

    def click_button(self, label, scope=None):
        root = scope or self.driver
        for b in root.find_elements(By.TAG_NAME, "button"):
            if b.text.strip() == label:
                self.submit(b)
                return
        raise AssertionError(f"no button {label}: {self.text()[:500]}")

    def action(self, action, **fields):
        form = self.driver.find_element(By.CSS_SELECTOR, f'form[data-action="{action}"]')
        for name, value in fields.items():
            el = form.find_element(By.NAME, name)
            if el.tag_name == "select":
                Select(el).select_by_value(value)
            else:
                el.clear()
                el.send_keys(value)
        self.submit(form.find_element(By.TAG_NAME, "button"))

    def actions(self):
        return [f.get_attribute("data-action") for f in self.driver.find_elements(By.CSS_SELECTOR, "form[data-action]")]

    def errors(self):
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".error")]

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))

    def shots(self, name, path=None):
        """The page at 1366×768 and 768×1024, for the record."""
        for w, h in [(1366, 768), (768, 1024)]:
            self.driver.set_window_size(w, h)
            if path:
                self.go(path)
            self.shot(f"{name}-{w}x{h}")
        self.driver.set_window_size(1366, 768)

    def hosts(self):
        """The hosts of every request made since the last call (Chrome's network log)."""
        seen = set()
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if url.startswith("http"):
                    seen.add(url.split("/")[2])
        return seen

    def case_id(self):
        return self.driver.current_url.split("/cases/")[1].split("/")[0].split("?")[0]

    def quit(self):
        self.driver.quit()


@pytest.fixture
def browser(server, request):
    opened = []

    def make(width=1366, height=768):
        b = Browser(server, width, height)
        opened.append(b)
        return b
    yield make
    for b in opened:
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            b.shot(f"FAILED-{request.node.name}-{opened.index(b)}")
        b.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def decode_qr(browser, element_id):
    """Screenshots the QR on the page, enlarged on screen, and decodes it with zbarimg."""
    import os, subprocess
    browser.driver.set_window_size(1200, 1400)
    el = browser.driver.find_element("id", element_id)
    browser.driver.execute_script("arguments[0].style.width='560px'; arguments[0].style.height='560px'; arguments[0].style.float='none';"
                                  "arguments[0].scrollIntoView({block: 'center'});", el)
    svg = el.find_element("tag name", "svg")
    browser.driver.execute_script("arguments[0].style.width='560px'; arguments[0].style.height='560px';", svg)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screenshots", f"qr-{element_id}.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    svg.screenshot(path)
    browser.driver.set_window_size(1366, 768)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", path], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()
