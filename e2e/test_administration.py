"""The administration pages in a real browser, on the demo county.

A supervisor changes an item's guide (a new version, effective at once; a value the sheet's rules refuse saves nothing)
while a case taken in under the old version keeps it; an administrator keeps a village station's 六有一能 and hours and
creates an account, every change in the administration log with before → after; a supervisor delegates an item to
village stations with the village multi-select; a window clerk finds every administration door closed."""
import datetime, re, secrets

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

# The county's today is Beijing time (UTC+8), as the server reckons dates.
TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
ITEM, ITEM_NAME = "SCJ0701", "个体工商户设立登记"


# MARK: the pages' parts

def nav(b, label):
    """Follows a link of the workbench navigation."""
    b.submit(b.driver.find_element(By.XPATH, f"//nav[contains(@class, 'main-nav')]//a[normalize-space(.)='{label}']"))


def record_form(b):
    return b.driver.find_element(By.CSS_SELECTOR, "form[data-action='save-record']")


def field(b, label):
    """A record form's field by its column's label (the form names it c<i>, the column's index in the sheet)."""
    return record_form(b).find_element(
        By.XPATH, f".//div[contains(@class, 'field')]/label[normalize-space(text()[1])='{label}']/*[@name]")


def value(b, label):
    el = field(b, label)
    return Select(el).first_selected_option.get_attribute("value") if el.tag_name == "select" else el.get_attribute("value")


def set_field(b, label, text):
    el = field(b, label)
    if el.tag_name == "select":
        Select(el).select_by_value(text)
    else:
        el.clear()
        el.send_keys(text)


def cell(b, grid, row, label):
    """A cell of an item's grid (材料 or 环节): the row's input under the column's label (g<g>r<row>c<i>)."""
    return record_form(b).find_element(By.XPATH, f".//section[h2='{grid}']//tbody/tr[{row + 1}]//*[@aria-label='{label}']")


def save(b):
    b.click_button("保存", scope=record_form(b))


def notice(b):
    found = b.driver.find_elements(By.CSS_SELECTOR, "main p.notice")
    return found[0].text if found else ""


def versions(b):
    """The item page's guide versions, newest first."""
    return [int(re.search(r"第 (\d+) 版", tr.text).group(1))
            for tr in b.driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=versions] tbody tr")]


def rows(b):
    """The body rows of the page's (first) list table, as lists of cell texts."""
    return [[td.text.strip() for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in b.driver.find_element(By.CSS_SELECTOR, "main table").find_elements(By.CSS_SELECTOR, "tbody tr")]


def log_entries(b, subject):
    """The administration log filtered by subject through its form: (action, actor, {field: (before, after)}) newest first."""
    nav(b, "管理日志")
    form = b.driver.find_element(By.CSS_SELECTOR, "form[action='/admin/log']")
    b.fill(form, subject=subject)
    b.click_button("筛选", scope=form)
    entries = []
    for tr in b.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        tds = tr.find_elements(By.TAG_NAME, "td")
        assert tds[2].text == subject, tr.text
        changes = {}
        for div in tds[6].find_elements(By.TAG_NAME, "div"):
            name, _, change = div.text.partition("：")
            before, _, after = change.partition(" → ")
            changes[name] = (before, after)
        entries.append((tds[3].text, tds[4].text, changes))
    return entries


def shot_of(b, name, element, block="center"):
    """A screenshot with the element scrolled into the window."""
    b.driver.execute_script("arguments[0].scrollIntoView({block: arguments[1]})", element, block)
    b.shot(name)


def refused(b):
    text = b.text()
    return "无法完成（403）" in text and "无权" in text


# MARK: the journeys

def test_item_change_is_a_new_guide_version_and_an_open_case_keeps_its_own(browser):
    # The village agent takes in a business licence at the window, under the guide as it stands.
    agent = browser()
    agent.login("dl-100201")
    agent.go("/window")
    agent.fill(q="geti")
    agent.click_button("查找")
    agent.submit(agent.driver.find_element(By.XPATH, f"//tr[td[contains(., '{ITEM_NAME}')]]//a[contains(., '受理')]"))
    assert "经营者身份证件" in agent.text()
    agent.fill(name="周建华", phone="13812345678", idNumber="11010519491231002X")
    agent.check("provided[]", "个体工商户登记（备案）申请书")
    agent.check("provided[]", "经营场所使用证明")
    agent.click_button("受理")
    assert "/receipt" in agent.driver.current_url, agent.errors() or agent.text()[:800]
    case = agent.case_id()
    agent.shot("admin-case-accepted")

    # The supervisor finds the item from the navigation.
    supervisor = browser()
    supervisor.login("jiandu")
    nav(supervisor, "事项管理")
    assert "/admin/items" in supervisor.driver.current_url
    supervisor.fill(q=ITEM)
    supervisor.click_button("筛选")
    listed = rows(supervisor)
    assert [r[0] for r in listed] == [ITEM], listed
    old_version = int(re.search(r"第 (\d+) 版", listed[0][-1]).group(1))
    supervisor.submit(supervisor.driver.find_element(By.LINK_TEXT, ITEM))
    assert f"/admin/records/item/{ITEM}" in supervisor.driver.current_url
    assert versions(supervisor)[0] == old_version
    assert field(supervisor, "事项编码").get_attribute("readonly") is not None
    legal, promised = int(value(supervisor, "法定时限")), int(value(supervisor, "承诺时限"))
    assert promised <= legal
    new_promised = 3 if promised != 3 else 2
    old_material = cell(supervisor, "材料", 0, "材料名称").get_attribute("value")
    second_material = cell(supervisor, "材料", 1, "材料名称").get_attribute("value")
    assert old_material == "经营者身份证件", old_material
    new_material = "经营者本人身份证件"

    # A promised limit within the legal one and a renamed material: saved, effective at once, a new guide version.
    set_field(supervisor, "承诺时限", str(new_promised))
    cell(supervisor, "材料", 0, "材料名称").clear()
    cell(supervisor, "材料", 0, "材料名称").send_keys(new_material)
    save(supervisor)
    assert "done=saved" in supervisor.driver.current_url, supervisor.errors() or supervisor.text()[:1500]
    assert "已保存，立即生效" in notice(supervisor)
    assert versions(supervisor)[:2] == [old_version + 1, old_version]
    assert value(supervisor, "承诺时限") == str(new_promised)
    assert cell(supervisor, "材料", 0, "材料名称").get_attribute("value") == new_material
    supervisor.shot("admin-item-saved")
    shot_of(supervisor, "admin-item-versions", supervisor.driver.find_element(By.ID, "versions"), "end")

    # A promised limit above the legal one: the field is marked, nothing is saved — not even the other change.
    set_field(supervisor, "承诺时限", str(legal + 5))
    cell(supervisor, "材料", 1, "材料名称").clear()
    cell(supervisor, "材料", 1, "材料名称").send_keys("不会保存的申请书")
    save(supervisor)
    assert "未保存任何改动" in supervisor.driver.find_element(By.ID, "problems").text
    promised_field = field(supervisor, "承诺时限")
    assert promised_field.get_attribute("aria-invalid") == "true"
    error = promised_field.find_element(By.XPATH, "ancestor::div[contains(@class, 'field')]//span[contains(@class, 'error')]").text
    assert "超过法定时限" in error and str(legal) in error, error
    assert [e.get_attribute("name") for e in supervisor.driver.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")] == \
        [promised_field.get_attribute("name")]
    supervisor.shot("admin-item-refused")
    shot_of(supervisor, "admin-item-refused-field", promised_field)
    supervisor.go(f"/admin/records/item/{ITEM}")
    assert value(supervisor, "承诺时限") == str(new_promised)
    assert cell(supervisor, "材料", 0, "材料名称").get_attribute("value") == new_material
    assert cell(supervisor, "材料", 1, "材料名称").get_attribute("value") == second_material
    assert versions(supervisor)[0] == old_version + 1
    supervisor.go(f"/admin/items?q={ITEM}")
    assert rows(supervisor)[0][-1] == f"第 {old_version + 1} 版"

    # The item's administration log: one update, by the supervisor, with before → after.
    supervisor.go(f"/admin/records/item/{ITEM}")
    entries = log_entries(supervisor, ITEM)
    action, actor, changes = entries[0]
    assert (action, actor) == ("updated", "u-jiandu"), entries[0]
    assert changes["promisedLimitDays"] == (str(promised), str(new_promised)), changes
    before, after = changes["materials"]
    assert old_material in before and new_material not in before and new_material in after, changes["materials"]
    assert not any(e[2].get("promisedLimitDays", ("", ""))[1] == str(legal + 5) for e in entries)
    shot_of(supervisor, "admin-log-item", supervisor.driver.find_element(By.CSS_SELECTOR, "main table"), "start")

    # The agent's case keeps the guide it was taken in under.
    agent.go(f"/cases/{case}")
    assert "经营者身份证件" in agent.text() and new_material not in agent.text()
    agent.submit(agent.driver.find_element(By.LINK_TEXT, f"受理时的第 {old_version} 版"))
    assert f"/guides/{ITEM}/{old_version}" in agent.driver.current_url
    assert f"办事指南第 {old_version} 版" in agent.driver.find_element(By.TAG_NAME, "h1").text
    guide = agent.text()
    assert f"现行为第 {old_version + 1} 版" in guide, guide[:800]
    assert old_material in guide and new_material not in guide
    facts = dict(zip([dt.text for dt in agent.driver.find_elements(By.CSS_SELECTOR, "dl.facts dt")],
                     [dd.text for dd in agent.driver.find_elements(By.CSS_SELECTOR, "dl.facts dd")]))
    assert facts["承诺时限"] == str(promised) and facts["实施主体"] == "青禾县市场监督管理局", facts
    assert not agent.driver.find_elements(By.LINK_TEXT, "修改事项")  # agents read guides, they do not edit items
    agent.shot("admin-guide-old-version")
    shot_of(agent, "admin-guide-old-version-materials", agent.driver.find_element(By.XPATH, "//h2[.='申请材料']"), "start")
    agent.go(f"/guides/{ITEM}/{old_version + 1}")
    assert "这是现行版本" in agent.text() and new_material in agent.text()


def test_station_account_delegation_log_and_closed_doors(browser):
    admin = browser()
    admin.login("admin")

    # 站点管理: the basic-tier village stations; one that has funding loses it and gets Saturday hours.
    nav(admin, "站点管理")
    form = admin.driver.find_element(By.CSS_SELECTOR, "form[action='/admin/points']")
    admin.select("tier", "basic", scope=form)
    admin.click_button("筛选", scope=form)
    basic = rows(admin)
    assert basic and all(r[2] == "村（社区）便民服务站" and r[4] == "基础型" for r in basic), basic
    station = next(r for r in basic if "有经费" not in r[5] and r[0] != "sp-100201")  # not the agents' own station
    station_id, station_name = station[0], station[1]
    admin.go("/admin/points?lacking=有经费")
    assert station_id not in [r[0] for r in rows(admin)]
    admin.go("/admin/points?tier=basic")
    admin.shot("admin-points-basic")
    admin.submit(admin.driver.find_element(By.LINK_TEXT, station_id))
    assert value(admin, "类型") == "村（社区）便民服务站" and value(admin, "有经费") == "是"
    weekend = "09:00-12:00" if value(admin, "周末时段") != "09:00-12:00" else "08:30-11:30"
    set_field(admin, "有经费", "否")
    set_field(admin, "周末时段", weekend)
    save(admin)
    assert "done=saved" in admin.driver.current_url, admin.errors() or admin.text()[:1500]
    assert "已保存，立即生效" in notice(admin)
    assert value(admin, "有经费") == "否" and value(admin, "周末时段") == weekend
    admin.shot("admin-point-saved")
    shot_of(admin, "admin-point-saved-fields", field(admin, "有经费"))

    # …and the list of stations that lack funding shows it.
    nav(admin, "站点管理")
    form = admin.driver.find_element(By.CSS_SELECTOR, "form[action='/admin/points']")
    admin.select("lacking", "有经费", scope=form)
    admin.click_button("筛选", scope=form)
    lacking = {r[0]: r for r in rows(admin)}
    assert station_id in lacking and "有经费" in lacking[station_id][5], lacking.get(station_id)
    assert all("有经费" in r[5] for r in lacking.values())
    admin.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                                admin.driver.find_element(By.XPATH, f"//tr[td/a[normalize-space(.)='{station_id}']]"))
    admin.shot("admin-points-lacking-funding")

    # 账号管理 → 新建账号: a window clerk at town-100 with ck-100 as AB角; the activation code shows once.
    nav(admin, "账号管理")
    admin.submit(admin.driver.find_element(By.LINK_TEXT, "新建账号"))
    assert "/admin/records/staff/new" in admin.driver.current_url
    for label, text in [("用户名", "ck-100-c"), ("姓名", "孙丽娟"), ("角色", "综合受理窗口人员"), ("所属机构", "town-100"),
                        ("所属站点", "sp-town-100"), ("AB角", "ck-100"), ("手机", "13912340009"), ("状态", "在用")]:
        set_field(admin, label, text)
    admin.shot("admin-account-new")
    save(admin)
    assert "账号激活码" in admin.text(), admin.errors() or admin.text()[:1500]
    assert "孙丽娟" in admin.text() and "ck-100-c" in admin.text()
    code = admin.driver.find_element(By.CSS_SELECTOR, ".code-big").text.strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
    admin.shot("admin-account-activation-code")
    nav(admin, "账号管理")
    account = next(r for r in rows(admin) if r[0] == "ck-100-c")
    assert account[1:4] == ["孙丽娟", "综合受理窗口人员", "青石镇便民服务中心"] and account[5] == "待激活", account

    # The administration log: the account and the station, each with before → after.
    entries = log_entries(admin, "u-ck-100-c")
    assert len(entries) == 1 and entries[0][1] == "u-admin", entries
    changes = entries[0][2]
    assert changes["backupId"] == ("", "u-ck-100") and changes["orgId"] == ("", "town-100"), changes
    assert changes["role"] == ("", "window_clerk") and changes["phone"] == ("", "139****0009"), changes
    shot_of(admin, "admin-log-account", admin.driver.find_element(By.CSS_SELECTOR, "main table"), "start")
    entries = log_entries(admin, station_id)
    action, actor, changes = entries[0]
    assert (action, actor) == ("updated", "u-admin"), entries[0]
    assert '"hasFunding":true' in changes["checklist"][0] and '"hasFunding":false' in changes["checklist"][1], changes
    assert "openingHours" in changes and set(changes) <= {"checklist", "openingHours"}, changes
    shot_of(admin, "admin-log-station", admin.driver.find_element(By.CSS_SELECTOR, "main table"), "start")

    # The new clerk activates the account and works at the town's window.
    clerk = browser()
    clerk.go("/activate")
    password = "Sl" + secrets.token_hex(6) + "8q"
    clerk.fill(username="ck-100-c", code=code, newPassword=password, confirmPassword=password)
    clerk.click_button("激活并设置密码")
    assert "/login" in clerk.driver.current_url and not clerk.errors(), clerk.text()[:500]
    clerk.go("/login")
    clerk.fill(username="ck-100-c", password=password)
    clerk.click_button("登录")
    assert "孙丽娟" in clerk.text() and "青石镇便民服务中心" in clerk.text(), clerk.text()[:500]
    nav(clerk, "综合受理")
    assert "/window" in clerk.driver.current_url

    # The supervisor delegates an item to two village stations, picked in the village multi-select.
    village_agent = browser()
    village_agent.login("dl-100202")
    village_agent.go("/window")
    village_agent.fill(q="农机购置")
    village_agent.click_button("查找")
    assert "本站不可受理" in rows(village_agent)[0][-1], rows(village_agent)
    supervisor = browser()
    supervisor.login("jiandu")
    nav(supervisor, "委托管理")
    supervisor.driver.find_element(By.XPATH, "//summary[contains(., '新建委托')]").click()
    form = supervisor.driver.find_element(By.ID, "new-delegation")
    document = f"青禾农发〔{TODAY.year}〕3号"
    supervisor.fill(form, documentNumber=document)
    village_list = form.find_element(By.CSS_SELECTOR, "select[name='toOrgIds[]'][multiple]")
    villages = Select(village_list)
    for v in ["village-100202", "village-101201"]:
        villages.select_by_value(v)
    assert [o.get_attribute("value") for o in villages.all_selected_options] == ["village-100202", "village-101201"]
    for summary in form.find_elements(By.XPATH, ".//details/summary"):
        if "农业农村局" in summary.text:
            summary.click()
    supervisor.check("itemCodes[]", "NYJ0502")
    shot_of(supervisor, "admin-delegation-new", village_list)
    supervisor.click_button("保存委托", scope=form)
    assert "委托已保存" in supervisor.text(), supervisor.errors() or supervisor.text()[:800]
    made = {r[2]: r for r in rows(supervisor) if r[0] == document}
    assert set(made) == {"李官庄村便民服务站", "朱官庄村便民服务站"}, made
    row = made["李官庄村便民服务站"]
    assert row[1] == "青禾县农业农村局" and "农机购置与应用补贴申请" in row[3] and row[4] == "受理、审批" and row[6] == "有效", row
    assert row[7] == "CW-100202", row  # the village's own seal
    supervisor.shot("admin-delegations-villages")
    village_agent.go("/window")
    village_agent.fill(q="农机购置")
    village_agent.click_button("查找")
    found = rows(village_agent)[0]
    assert "农机购置与应用补贴申请" in found[0] and "本站不可受理" not in found[-1] and "受理" in found[-1], found

    # Doors: a window clerk gets 无权 on every administration page and on a forged save; supervisors do not keep
    # accounts; administrators do not grant decision authority.
    window = browser()
    window.login("ck-100")
    assert "事项管理" not in window.text()
    for path in ["/admin/items", f"/admin/records/item/{ITEM}", "/admin/points", "/admin/staff", "/admin/log",
                 "/admin/delegations"]:
        window.go(path)
        assert refused(window), (path, window.text()[:400])
    window.go("/admin/items")
    window.shot("admin-denied-clerk")
    window.go("/")
    window.driver.execute_script("""
        const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
        for (const [k, v] of [['c7', '9'], ['_csrf', document.querySelector('input[name=_csrf]').value]]) {
            const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
        document.body.appendChild(f); f.submit();""", f"/admin/records/item/{ITEM}")
    window.driver.find_element(By.XPATH, "//*[contains(., '无法完成（403）')]")
    assert refused(window), window.text()[:400]
    supervisor.go(f"/admin/log?subject={ITEM}&actor=u-ck-100")
    assert rows(supervisor) == [], rows(supervisor)  # the forged save changed nothing
    supervisor.go("/admin/staff")
    assert refused(supervisor), supervisor.text()[:400]
    admin.go("/admin/delegations")
    assert refused(admin), admin.text()[:400]
