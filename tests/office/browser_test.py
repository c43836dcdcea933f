#!/usr/bin/env python3
"""office/browser: the commune office in a real headless Chromium (docs/office.md).

Starts ykien-server (SQLite) and two field-app tablets, then in the browser: a
secretary finds an opinion by typing "dat dai", assigns it, answers it and sets it
resolved; a clerk sees only the assigned one; a conflict is resolved; the report's
.xlsx is downloaded and its cells read; the meeting's minutes show the photo a tablet
attached; then a tablet syncs and shows the answer and the status. Fails on any error in the browser console and on a form field without a
label; checks the pages at 1024 px and at a phone's width. Prints BENCH lines (page
weight). Exit 77 (skipped) without chromium, chromium-driver or python3-selenium.
"""
import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import Select
except ImportError:
    print("YKIEN-SKIP: python3-selenium is not installed")
    sys.exit(77)

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

COMMUNE = "70/dong-xoai/tan-phu"
UNITS = """code,name,kind,parent
70,Tỉnh Bình Phước,province,
dong-xoai,Thành phố Đồng Xoài,district,70
tan-phu,Phường Tân Phú,ward,70/dong-xoai
kp-1,Khu phố 1,hamlet,70/dong-xoai/tan-phu
kp-2,Khu phố 2,hamlet,70/dong-xoai/tan-phu
"""



def navigate(driver, act, seconds=15):
    """Does `act` (a click or a submit that loads a page) and waits until the next page
    has replaced this one: finding elements earlier would find the old page's."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    old = driver.find_element(By.TAG_NAME, "html")

    def replaced(_driver):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            # Chromium's answer when the page is swapped during the check: gone too.
            if "does not belong to the document" in str(e):
                return True
            raise

    act()
    WebDriverWait(driver, seconds).until(replaced, "the page did not change")
    WebDriverWait(driver, seconds).until(lambda d: d.execute_script("return document.readyState") == "complete",
                                         "the page did not finish loading")


def wait_url(driver, good, seconds=15):
    """Waits for a click's navigation: the URL is read before the next page arrives."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, seconds).until(lambda d: good(d.current_url), "the page did not arrive")

def run(args, stdin=None, env=None):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(args)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


class World:
    def __init__(self, server_bin, field_bin, work):
        self.server_bin, self.field_bin, self.work = server_bin, field_bin, work
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        self.data = os.path.join(work, "server")
        self.pid = None
        self.env = dict(os.environ, YKIEN_LANG="en", YKIEN_NOW="2024-07-06 09:00")

    def admin(self, *args, stdin=None):
        return run([self.server_bin, "admin", "--data", self.data, *args], stdin=stdin)

    def tablet(self, name, *args):
        return run([self.field_bin, "--db", os.path.join(self.work, name + ".db"), "--user", name, *args],
                   env=self.env)

    def start(self):
        units = os.path.join(self.work, "units.csv")
        with open(units, "w", encoding="utf-8") as f:
            f.write(UNITS)
        self.admin("import-units", units)
        self.admin("user", "add", "lan", "--role", "secretary", "--unit", COMMUNE,
                   "--display-name", "Nguyễn Thị Lan", stdin="password-lan\n")
        self.admin("user", "add", "dia-chinh", "--role", "clerk", "--unit", COMMUNE,
                   "--department", "Địa chính", stdin="password-dia-chinh\n")
        port_file = os.path.join(self.work, "port")
        self.log = open(os.path.join(self.work, "server.log"), "w")
        proc = subprocess.Popen([self.server_bin, "serve", "--data", self.data, "--host", "127.0.0.1",
                                 "--port", "0", "--port-file", port_file], stderr=self.log)
        self.pid = proc.pid
        self.proc = proc
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:" + f.read().strip()

    def stop(self):
        if self.pid:
            os.kill(self.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
            self.pid = None


def check_labels(driver, where):
    """Every visible form field has a label (for=id) or an aria-label."""
    for el in driver.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
        if el.get_attribute("type") in ("hidden", "submit"):
            continue
        fid = el.get_attribute("id")
        labelled = el.get_attribute("aria-label") or (
            fid and driver.find_elements(By.CSS_SELECTOR, f'label[for="{fid}"]'))
        assert labelled, f"{where}: a field without a label: {el.get_attribute('outerHTML')}"


def check_console(driver, where):
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, f"{where}: browser console errors: {errors}"


def check_width(driver, where):
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{where}: the page is {overflow}px wider than the window"


def visit(driver, url, where):
    driver.get(url)
    check_console(driver, where)
    check_labels(driver, where)
    check_width(driver, where)


def login(driver, base, name, password):
    visit(driver, base + "/login", "login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click)
    wait_url(driver, lambda url: url.endswith("/opinions"))


def logout(driver):
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "header form button").click)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--field", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if not os.path.exists(CHROMEDRIVER) or not os.path.exists(CHROMIUM):
        print("YKIEN-SKIP: chromium and chromium-driver are not installed")
        return 77

    w = World(a.server, a.field, a.work)
    w.start()
    driver = None
    try:
        # Two tablets enrolled for the ward; one meeting with two opinions.
        for t in ("a", "b"):
            code = w.admin("create-code", "--unit", COMMUNE).strip().splitlines()[-1]
            w.tablet(t, "init")
            w.tablet(t, "enroll", "--server", w.url, "--code", code, "--name", "tablet-" + t)
            w.tablet(t, "sync")  # the ward's units come down
        w.tablet("a", "meeting", "open", "--kind", "residential_saturday", "--hamlet", "kp-1",
                 "--at", "6/7/2024 8:00", "--place", "Nhà văn hóa khu phố 1", "--attendance", "70")
        w.tablet("a", "opinion", "add", "--category", "land", "--citizen", "Trần Văn Hùng",
                 "--content", "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho 12 hộ")
        w.tablet("a", "opinion", "add", "--category", "environment",
                 "--content", "Rác thải tồn đọng cuối hẻm 12, đề nghị thu gom")
        # The photo of the signed minutes, attached to the meeting (docs/attachments.md).
        photo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "media", "bien-ban.jpg")
        w.tablet("a", "attach", "add", photo, "--caption", "Ảnh biên bản hội nghị")
        meeting = json.loads(w.tablet("a", "attach", "list", "--json"))["attachments"][0]["meeting_id"]
        w.tablet("a", "sync")
        w.tablet("b", "sync")
        opinions = json.loads(w.tablet("a", "opinion", "list", "--json"))["opinions"]
        land = next(o for o in opinions if o["category"] == "land")["id"]
        env_id = next(o for o in opinions if o["category"] == "environment")["id"]
        # Both tablets edit one opinion's content without seeing each other: a conflict.
        w.tablet("a", "opinion", "edit", env_id, "--content", "Rác thải tồn đọng ở cuối hẻm 12")
        w.tablet("b", "opinion", "edit", env_id, "--content", "Rác tồn đọng cuối hẻm 12, cần thu gom hằng tuần")
        w.tablet("a", "sync")
        w.tablet("b", "sync")

        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1024,768", "--lang=vi"):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Chromium's own temporary folders in the test's work folder, removed with it:
        # in /tmp they outlive driver.quit() (org.chromium.Chromium.*).
        browser_tmp = os.path.join(a.work, "chromium-tmp")
        shutil.rmtree(browser_tmp, ignore_errors=True)
        os.makedirs(browser_tmp)
        service = Service(CHROMEDRIVER, env={**os.environ, "TMPDIR": browser_tmp})
        driver = webdriver.Chrome(service=service, options=opts)
        driver.implicitly_wait(2)
        base = w.url

        # The secretary: find by "dat dai", assign, answer, resolve.
        login(driver, base, "lan", "password-lan")
        visit(driver, base + "/opinions", "opinions")
        q = driver.find_element(By.ID, "q")
        q.send_keys("dat dai")
        navigate(driver, q.submit)
        links = driver.find_elements(By.CSS_SELECTOR, "table.list a")
        assert len(links) == 1, f"'dat dai' found {len(links)} opinions"
        navigate(driver, links[0].click)
        wait_url(driver, lambda url: land in url)
        check_labels(driver, "opinion")
        driver.find_element(By.ID, "a-department").clear()
        driver.find_element(By.ID, "a-department").send_keys("Địa chính")
        driver.execute_script("document.getElementById('a-due').value = '2024-08-15'")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/assign'] button").click)
        wait_url(driver, lambda url: "done=1" in url)
        driver.find_element(By.ID, "r-content").send_keys("Phường đã đo đạc, cấp giấy trong tháng 8")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/answer'] button").click)
        Select(driver.find_element(By.ID, "s-to")).select_by_value("resolved")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/status'] button").click)
        status = driver.find_element(By.ID, "status").text
        assert status in ("Đã giải quyết", "Resolved"), status
        check_console(driver, "opinion after follow-up")
        weight = len(driver.page_source.encode("utf-8"))
        print(f"BENCH office_opinion_page_weight {weight / 1024:.1f} KiB")
        logout(driver)

        # The clerk sees only what was assigned to the department.
        login(driver, base, "dia-chinh", "password-dia-chinh")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
        assert len(rows) == 1, f"the clerk sees {len(rows)} opinions"
        assert driver.find_element(By.ID, "count").text == "1"
        logout(driver)

        # A conflict, resolved; then the report as .xlsx.
        login(driver, base, "lan", "password-lan")
        visit(driver, base + "/conflicts", "conflicts")
        buttons = driver.find_elements(By.CSS_SELECTOR, "button[name=keep][value=loser]")
        assert buttons, "no conflict to resolve"
        navigate(driver, buttons[0].click)
        wait_url(driver, lambda url: "done=1" in url)
        visit(driver, base + "/reports?unit=" + COMMUNE + "&from=2024-01-01&to=2024-12-31", "reports")
        assert driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        print(f"BENCH office_report_page_weight {len(driver.page_source.encode('utf-8')) / 1024:.1f} KiB")
        href = driver.find_element(By.ID, "xlsx").get_attribute("href")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        req = urllib.request.Request(href, headers={"Cookie": cookie})
        xlsx = urllib.request.urlopen(req).read()
        import openpyxl
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
        cells = {str(r[0].value): r[1].value for r in sheet.iter_rows(min_row=2) if r[0].value}
        opinions_label = next(k for k in cells if k in ("Ý kiến", "Opinions"))
        assert cells[opinions_label] == 2, cells
        assert cells.get("Hội nghị", cells.get("Meetings")) == 1, cells

        # A phone-sized window.
        driver.set_window_size(375, 740)
        for page in ("/opinions", "/opinions/" + land, "/reports", "/conflicts", "/devices"):
            visit(driver, base + page, "phone " + page)
        driver.set_window_size(1024, 768)
        visit(driver, base + "/lang?to=en&next=/opinions", "english")
        assert "Opinions" in driver.page_source
        visit(driver, base + "/meetings", "meetings")
        # The minutes show their photo, loaded from the office (240 x 320 px).
        visit(driver, base + "/meetings/" + meeting, "minutes")
        from selenium.webdriver.support.ui import WebDriverWait
        thumb = driver.find_element(By.CSS_SELECTOR, "img.thumb")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script("return arguments[0].naturalWidth", thumb) == 240,
                                        "the photo of the minutes did not load")

        # The tablet syncs and shows the office's answer and status.
        w.tablet("a", "sync")
        shown = w.tablet("a", "opinion", "show", land)
        assert "Phường đã đo đạc, cấp giấy trong tháng 8" in shown, shown
        assert "resolved" in shown.lower() or "đã giải quyết" in shown.lower(), shown
        print("office/browser: 1 passed, 0 failed")
        return 0
    finally:
        if driver is not None:
            driver.quit()
            shutil.rmtree(os.path.join(a.work, "chromium-tmp"), ignore_errors=True)
        w.stop()


if __name__ == "__main__":
    sys.exit(main())
