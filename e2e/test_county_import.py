"""Issue 10's acceptance journey in a real browser: a county that starts from nothing.

A fresh `jiujin serve --no-demo` with its own data directory; `jiujin create-admin`; the administrator signs in,
downloads the template, uploads a workbook with mistakes (every one listed by sheet and row, nothing imported),
uploads the corrected one (the summary and the new accounts' activation codes); a clerk created by the import
activates the account and accepts a case of the imported item at the imported town; the export, uploaded again,
changes nothing."""
import datetime, os, secrets, shutil, signal, socket, subprocess, tempfile, time, urllib.request

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from conftest import BIN, ROOT, SHOTS, Browser

COUNTY, COUNTY_NAME = "990202000000", "云溪县"
TOWN, TOWN_NAME = "990202101000", "石桥镇"
VILLAGE, VILLAGE_NAME = "990202101201", "柳湾村"
ITEM, ITEM_NAME = "YXSC0101", "个体工商户设立登记"
SHEETS = ["区划", "机构", "事项", "材料", "环节", "站点", "印章", "委托", "人员"]
# The county's today is Beijing time (UTC+8), as the server reckons dates.
TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


@pytest.fixture(scope="module")
def county(request):
    """A fresh jiujin with no demo county and its first administrator: (base URL, data directory, admin password)."""
    # Another module's demo `server` clears e2e/screenshots when it starts: let it start first, so this journey's
    # screenshots survive a run of the whole suite.
    if any("server" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("server")
    for f in os.listdir(SHOTS) if os.path.isdir(SHOTS) else []:
        if f.startswith(("county-", "FAILED-test_county")):
            os.remove(os.path.join(SHOTS, f))
    data = tempfile.mkdtemp(prefix="jiujin-e2e-county-")
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    password = "Yx" + secrets.token_hex(6) + "9z"
    env = dict(os.environ, JIUJIN_DATA_DIR=data, LOG_LEVEL="warning", JIUJIN_PUBLIC_URL="https://jiujin.example.gov.cn",
               JIUJIN_ADMIN_PASSWORD=password)
    env.pop("DATABASE_URL", None)
    made = subprocess.run([BIN, "create-admin", "admin1", "--name", "县管理员", "--county", COUNTY_NAME, "--division", COUNTY],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "admin1" in made.stdout and "激活码" not in made.stdout, made.stdout
    env.pop("JIUJIN_ADMIN_PASSWORD")
    log = open(os.path.join(data, "server.log"), "w")
    proc = subprocess.Popen([BIN, "serve", "--no-demo", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(base + "/livez", timeout=2).status == 200:
                break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("jiujin --no-demo did not start")
    if proc.poll() is not None:
        log.close()
        raise RuntimeError("jiujin --no-demo exited: " + open(os.path.join(data, "server.log")).read()[-2000:])
    yield base, data, password
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def county_browser(county, request):
    base, data, _ = county
    opened = []

    def make():
        b = Browser(base)
        downloads = tempfile.mkdtemp(prefix="dl-", dir=data)
        b.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        b.downloads = downloads
        opened.append(b)
        return b
    yield make
    for n, b in enumerate(opened):
        if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
            b.shot(f"FAILED-{request.node.name}-{n}")
        b.quit()


# MARK: the browser's part

def sign_in(b, username, password):
    b.go("/login")
    b.fill(username=username, password=password)
    b.click_button("登录")
    assert "/login" not in b.driver.current_url, b.text()[:500]


def download(b, link_text):
    """Clicks a download link on the page and answers the downloaded file's path."""
    for f in os.listdir(b.downloads):
        os.remove(os.path.join(b.downloads, f))
    link = b.driver.find_element(By.PARTIAL_LINK_TEXT, link_text)
    link.click()
    for _ in range(150):
        files = [f for f in os.listdir(b.downloads) if not f.endswith(".crdownload") and not f.startswith(".")]
        if files:
            path = os.path.join(b.downloads, files[0])
            time.sleep(0.2)  # let chromium finish renaming
            return path
        time.sleep(0.1)
    raise AssertionError(f"{link_text}: nothing was downloaded from {link.get_attribute('href')}")


def download_from_import_page(b, link_text):
    b.go("/admin/import")
    return download(b, link_text)


def upload(b, path, dry_run=False):
    b.go("/admin/import")
    form = b.driver.find_element(By.CSS_SELECTOR, "form[action='/admin/import']")
    form.find_element(By.CSS_SELECTOR, "input[type=file][name=file]").send_keys(os.path.abspath(path))
    if dry_run:
        form.find_element(By.NAME, "dryRun").click()
    b.click_button("上传并检查", scope=form)
    assert b.driver.find_elements(By.TAG_NAME, "h1") and "导入导出" in b.driver.find_element(By.TAG_NAME, "h1").text, b.text()[:500]


def table_rows(b, section):
    """The body rows of a result table on the import page, as lists of cell texts."""
    b.driver.implicitly_wait(0)  # the page is loaded: an absent section is absent now
    try:
        found = b.driver.find_elements(By.CSS_SELECTOR, f"section[aria-labelledby={section}]")
    finally:
        b.driver.implicitly_wait(5)
    if not found:
        return None
    return [[td.text.strip() for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in found[0].find_elements(By.CSS_SELECTOR, "tbody tr")]


def summary(b):
    rows = table_rows(b, "summary")
    assert rows is not None, b.text()[:1500]
    return {r[0]: tuple(int(n) for n in r[1:5]) for r in rows}


def shot_of(b, name, section_id, sizes=((1366, 768),)):
    """A screenshot with the result section (a heading's id) scrolled to the top of the window."""
    for w, h in sizes:
        b.driver.set_window_size(w, h)
        b.driver.execute_script("arguments[0].closest('section').scrollIntoView({block: 'start'})", b.driver.find_element(By.ID, section_id))
        b.shot(f"{name}-{w}x{h}" if len(sizes) > 1 else name)
    b.driver.set_window_size(1366, 768)


BOTH = ((1366, 768), (768, 1024))


def heading(b, section):
    return b.driver.find_element(By.ID, section).text


# MARK: the workbook

def county_rows(mistakes):
    """A small county's rows by sheet; with `mistakes`, five of them wrong (three sheets' kinds and two in 人员)."""
    region_code = "99020210120" if mistakes else "990202101202"  # 11 digits: a bad division code
    station_org = "village-101299" if mistakes else "village-101201"  # an organisation that does not exist
    promised = "20" if mistakes else "5"  # above the legal limit of 15
    clerk_phone = "1391234000" if mistakes else "13912340001"  # ten digits
    approver_role = "审批员" if mistakes else "审批人员"  # no such role
    until = TODAY.replace(year=TODAY.year + 1)
    return {
        "区划": [{"区划代码": COUNTY, "名称": COUNTY_NAME, "类型": "县"},
               {"区划代码": TOWN, "名称": TOWN_NAME, "类型": "镇", "纬度": "36.15", "经度": "117.95"},
               {"区划代码": VILLAGE, "名称": VILLAGE_NAME, "类型": "村", "纬度": "36.16", "经度": "117.96"},
               {"区划代码": region_code, "名称": "桃园村", "类型": "村", "纬度": "36.17", "经度": "117.97"}],
        "机构": [{"机构编码": "dept-scjg", "名称": "云溪县市场监督管理局", "类型": "县直部门", "所在区划": COUNTY},
               {"机构编码": "town-101", "名称": "石桥镇便民服务中心", "类型": "镇（街道）便民服务中心", "所在区划": TOWN},
               {"机构编码": "village-101201", "名称": "柳湾村村民委员会便民服务站", "类型": "村（社区）便民服务站", "所在区划": VILLAGE}],
        "事项": [{"事项编码": ITEM, "事项名称": ITEM_NAME, "事项类型": "行政确认", "实施主体": "dept-scjg",
                "设定依据": "《促进个体工商户发展条例》第八条", "受理条件": "有经营能力的公民，经营场所符合规定", "法定时限": "15",
                "承诺时限": promised, "即办件": "否", "收费标准": "0", "到现场次数": "1", "网办深度": "全程网办", "可预约": "是",
                "可快递": "是", "可网上支付": "否", "办理结果": "个体工商户营业执照", "结果证照类型": "营业执照", "高频事项": "是",
                "受理层级": "县、镇", "审批层级": "县", "关键词": "营业执照、开店", "状态": "在用"}],
        "材料": [{"事项编码": ITEM, "序号": "1", "材料名称": "经营者身份证件", "必要": "是", "材料形式": "原件", "份数": "1",
                "载体": "纸质或电子", "来源证照": "居民身份证"},
               {"事项编码": ITEM, "序号": "2", "材料名称": "个体工商户登记申请书", "必要": "是", "材料形式": "原件", "份数": "1",
                "载体": "纸质", "备注": "可在窗口现场填写"}],
        "环节": [{"事项编码": ITEM, "序号": "1", "环节名称": "审查"}, {"事项编码": ITEM, "序号": "2", "环节名称": "决定"}],
        "站点": [{"站点编码": "sp-town-101", "名称": "石桥镇便民服务中心", "类型": "镇（街道）便民服务中心", "所属机构": "town-101",
                "所在区划": TOWN, "地址": "石桥镇人民路8号", "纬度": "36.15", "经度": "117.95", "窗口数": "4", "人员数": "6",
                "电话": "0539-7654321", "工作日时段": "08:30-12:00 13:30-17:30", "周末时段": "09:00-12:00", "状态": "在用"},
               {"站点编码": "sp-101201", "名称": "柳湾村便民服务站", "类型": "村（社区）便民服务站", "所属机构": station_org,
                "所在区划": VILLAGE, "地址": "柳湾村村委会", "纬度": "36.16", "经度": "117.96", "窗口数": "1", "人员数": "1",
                "工作日时段": "08:00-11:30 14:00-17:30", **{c: "是" for c in ["有场所", "有人员", "有制度", "有网络", "有设备", "有经费", "能办事"]},
                "状态": "在用"}],
        "印章": [{"印章编号": "审批专用章(01)", "印章名称": "云溪县市场监督管理局审批专用章(01)", "所有机构": "dept-scjg",
                "持有机构": "town-101", "状态": "在用"}],
        "委托": [{"委托编号": "del-scjg-101", "委托书文号": "云溪市监发〔%d〕1号" % TODAY.year, "委托机关": "dept-scjg",
                "受委托机构": "town-101", "委托事项": ITEM, "委托受理": "是", "委托审批": "是", "生效日期": TODAY.isoformat(),
                "截止日期": until.isoformat(), "印章编号": "审批专用章(01)", "状态": "在用"}],
        "人员": [{"用户名": "ck-101", "姓名": "陈静", "角色": "综合受理窗口人员", "所属机构": "town-101", "所属站点": "sp-town-101",
                "AB角": "ck-101-b", "手机": clerk_phone, "状态": "在用"},
               {"用户名": "ck-101-b", "姓名": "周磊", "角色": "综合受理窗口人员", "所属机构": "town-101", "所属站点": "sp-town-101",
                "AB角": "ck-101", "状态": "在用"},
               {"用户名": "sp-101", "姓名": "吴涛", "角色": approver_role, "所属机构": "town-101", "状态": "在用"},
               {"用户名": "dl-101201", "姓名": "郑芳", "角色": "帮办代办员", "所属机构": "village-101201", "代办类型": "兼职", "状态": "在用"}],
    }


def write_workbook(path, headers, rows):
    """The sheets with the template's headers; every cell is text, so codes keep their digits."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        ws.append(headers[sheet])
        for row in rows[sheet]:
            unknown = set(row) - set(headers[sheet])
            assert not unknown, f"{sheet}: {unknown} not in the template's columns"
            ws.append([row.get(h, "") for h in headers[sheet]])
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                cell.number_format = "@"
    wb.save(path)
    return path


# MARK: the journey

def test_county_starts_from_nothing_import_activate_accept_export(county, county_browser):
    base, data, admin_password = county
    work = tempfile.mkdtemp(prefix="wb-", dir=data)

    # The administrator from `jiujin create-admin` signs in; the county has no item yet.
    admin = county_browser()
    sign_in(admin, "admin1", admin_password)
    admin.go("/admin/import")
    assert "导入导出" in admin.text()
    admin.shot("county-import-empty")

    # The template, through the page's link: the nine sheets, their headers and example rows.
    template = download(admin, "下载导入模板")
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == SHEETS, wb.sheetnames
    headers = {s: [c.value for c in next(wb[s].iter_rows(max_row=1))] for s in SHEETS}
    for s in SHEETS:
        assert wb[s].max_row >= 2, f"the template's {s} has no example row"
    assert headers["人员"][:4] == ["用户名", "姓名", "角色", "所属机构"], headers["人员"]
    assert any(dv.type == "list" for dv in wb["人员"].data_validations.dataValidation), "人员 has no drop-down list"

    # A workbook with mistakes: every one listed by sheet, row and column, and nothing imported.
    bad = write_workbook(os.path.join(work, "county-with-mistakes.xlsx"), headers, county_rows(mistakes=True))
    upload(admin, bad)
    problems = table_rows(admin, "problems")
    assert problems is not None, admin.text()[:1500]
    listed = {(p[0], p[1], p[2]) for p in problems}
    expected = {("区划", "5", "区划代码"), ("站点", "3", "所属机构"), ("事项", "2", "承诺时限"), ("人员", "2", "手机"),
                ("人员", "4", "角色")}
    assert listed == expected, problems
    messages = {(p[0], p[1]): p[3] for p in problems}
    assert "99020210120" in messages[("区划", "5")] and "12位" in messages[("区划", "5")]
    assert "village-101299" in messages[("站点", "3")] and "不存在" in messages[("站点", "3")]
    assert "超过法定时限" in messages[("事项", "2")]
    assert "手机" in messages[("人员", "2")]
    assert "审批员" in messages[("人员", "4")]
    assert f"发现 {len(expected)} 处问题，未导入任何数据" in heading(admin, "problems")
    assert table_rows(admin, "summary") is None and table_rows(admin, "codes") is None
    shot_of(admin, "county-import-problems", "problems")

    # Nothing was imported: the export still holds only what create-admin made.
    before = openpyxl.load_workbook(download_from_import_page(admin, "导出本县现有数据"))
    assert before.sheetnames == SHEETS
    assert [r for r in before["事项"].iter_rows(min_row=2, values_only=True) if any(r)] == []
    assert [r[0] for r in before["人员"].iter_rows(min_row=2, values_only=True) if any(r)] == ["admin1"]
    assert [r[0] for r in before["区划"].iter_rows(min_row=2, values_only=True) if any(r)] == [COUNTY]

    # The corrected workbook: first only checked, then imported.
    good = write_workbook(os.path.join(work, "county.xlsx"), headers, county_rows(mistakes=False))
    upload(admin, good, dry_run=True)
    assert "检查通过（未写入）" in heading(admin, "summary"), admin.text()[:1500]
    assert table_rows(admin, "codes") is None
    upload(admin, good)
    assert "导入完成" in heading(admin, "summary") and "没有任何变化" not in heading(admin, "summary")
    counts = summary(admin)
    added = {s: counts[s][0] for s in counts}
    assert added == {"区划": 3, "机构": 3, "事项": 1, "材料": 2, "环节": 2, "站点": 2, "印章": 1, "委托": 1, "人员": 4}, counts
    assert counts["区划"] == (3, 0, 1, 0), counts  # the county itself was made by create-admin
    assert all(c[1] == 0 and c[3] == 0 for c in counts.values()), counts
    codes = {r[0]: r for r in table_rows(admin, "codes")}
    assert set(codes) == {"ck-101", "ck-101-b", "sp-101", "dl-101201"}, codes
    assert codes["ck-101"][1] == "陈静"
    # 所属机构 names the organisation, also one made by the same import.
    assert codes["ck-101"][2] == "石桥镇便民服务中心", codes["ck-101"]
    clerk_code = codes["ck-101"][3]
    assert len(clerk_code.replace("-", "")) == 12, clerk_code
    shot_of(admin, "county-import-summary", "summary", BOTH)
    shot_of(admin, "county-import-codes", "codes")
    admin.logout()
    assert "/login" in admin.driver.current_url or "登录" in admin.text()

    # The clerk activates the account with the one-time code and signs in with their own password.
    clerk = county_browser()
    clerk.go("/login")
    clerk.submit(clerk.driver.find_element(By.PARTIAL_LINK_TEXT, "激活码"))
    assert "/activate" in clerk.driver.current_url
    clerk_password = "Cj" + secrets.token_hex(6) + "7q"
    clerk.fill(username="ck-101", code=clerk_code, newPassword=clerk_password, confirmPassword=clerk_password)
    clerk.shot("county-activate")
    clerk.click_button("激活并设置密码")
    assert "/login" in clerk.driver.current_url and not clerk.errors(), clerk.text()[:500]
    sign_in(clerk, "ck-101", clerk_password)

    # …finds the imported item and accepts a case at the imported town.
    clerk.go("/window")
    clerk.fill(q="个体工商户")
    clerk.click_button("查找")
    assert ITEM_NAME in clerk.text(), clerk.text()[:800]
    clerk.submit(clerk.driver.find_element(By.XPATH, f"//tr[td[contains(., '{ITEM_NAME}')]]//a[contains(., '受理')]"))
    assert f"/window/items/{ITEM}" in clerk.driver.current_url
    clerk.fill(name="林海", phone="13812345678", idNumber="11010519491231002X")
    clerk.select("regionCode", VILLAGE)
    clerk.check("provided[]", "经营者身份证件")
    clerk.check("provided[]", "个体工商户登记申请书")
    clerk.shot("county-intake")
    clerk.click_button("受理")
    assert "/receipt" in clerk.driver.current_url, clerk.errors() or clerk.text()[:800]
    receipt = clerk.text()
    assert "受理回执" in receipt and COUNTY_NAME in receipt and "林海" in receipt and ITEM_NAME in receipt, receipt[:800]
    assert "石桥镇便民服务中心" in receipt and "陈静" in receipt, receipt[:800]
    number = clerk.driver.find_element(By.CSS_SELECTOR, ".doc-no").text.replace("编号：", "").strip()
    assert number, receipt[:300]
    clerk.shots("county-receipt")
    case = clerk.case_id()
    clerk.go(f"/cases/{case}")
    assert number in clerk.text() and "已受理" in clerk.text(), clerk.text()[:800]
    assert "云溪市监发" in clerk.text(), clerk.text()[:1500]  # decided by the town under the imported delegation

    # The export, uploaded again, changes nothing.
    sign_in(admin, "admin1", admin_password)
    admin.go("/admin/import")
    exported = download(admin, "导出本县现有数据")
    ex = openpyxl.load_workbook(exported)
    assert ex.sheetnames == SHEETS
    assert [r[0] for r in ex["事项"].iter_rows(min_row=2, values_only=True) if any(r)] == [ITEM]
    assert sorted(r[0] for r in ex["人员"].iter_rows(min_row=2, values_only=True) if any(r)) == \
        ["admin1", "ck-101", "ck-101-b", "dl-101201", "sp-101"]
    upload(admin, exported)
    assert "导入完成：没有任何变化" in heading(admin, "summary"), admin.text()[:1500]
    counts = summary(admin)
    assert all(c[0] == 0 and c[1] == 0 and c[3] == 0 for c in counts.values()), counts
    assert counts["人员"][2] == 5 and counts["事项"][2] == 1, counts
    assert table_rows(admin, "codes") is None
    shot_of(admin, "county-reimport-nothing-changed", "summary", BOTH)
