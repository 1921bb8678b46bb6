"""The resident portal in a real browser (SPEC §4 journey 3): find an item and its nearest point on a phone, in both
modes; sign in by the SMS code (caught at the stand-in gateway); apply online with photos; the town window's
pre-review asks for one more; the resident uploads it online; the window accepts; the case is followed by number and
query code; a complaint is answered by the supervisor. No request leaves for another host."""
import base64, os, tempfile

from selenium.webdriver.support.ui import WebDriverWait

from conftest import SMS, decode_qr, last_sms

PHONE = "13766660001"
# A 1×1 PNG and a small PDF, as a phone camera and a scanner would hand them over.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def files():
    folder = tempfile.mkdtemp(prefix="jiujin-e2e-files-")
    paths = {}
    for name, data in [("id.png", PNG), ("form.pdf", PDF), ("lease.pdf", PDF), ("lease-clear.pdf", PDF + b"%clear\n")]:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        paths[name] = os.path.join(folder, name)
    return paths


def sign_in(resident, phone):
    resident.go("/portal/signin")
    before = len(SMS)
    resident.fill(phone=phone)
    resident.click_button("获取验证码")
    assert "验证码已发送" in resident.text(), resident.text()[:400]
    code = "".join(ch for ch in last_sms(phone, "sign_in_code", after=before)["text"].split("验证码为")[1][:6])
    resident.fill(code=code)
    resident.click_button("登录")
    assert "/portal/mine" in resident.driver.current_url and "登录成功" in resident.text(), resident.text()[:400]


def test_portal_find_guide_and_both_modes_on_a_phone_and_a_desk(browser):
    phone = browser(390, 844)
    phone.go("/portal")
    assert "办事大厅" in phone.text() and "高频事项" in phone.text()
    phone.fill(q="yyzz")
    phone.click_button("搜索")
    assert "个体工商户设立登记" in phone.text()
    phone.shot("portal-search-390x844")
    phone.driver.find_element("link text", "个体工商户设立登记").click()
    phone.select("village", "990101100201")
    phone.click_button("按距离排序")
    text = phone.text()
    assert "在哪里办" in text and "王官庄村便民服务站" in text and ("公里" in text or " 米" in text), text[:1200]
    phone.shot("portal-guide-390x844")
    phone.driver.find_element("link text", "长辈模式（大字）").click()
    assert "elder" in phone.driver.find_element("tag name", "body").get_attribute("class")
    assert "王官庄村便民服务站" in phone.text(), "the switch comes back to the same page"
    phone.shot("portal-guide-elder-390x844")
    desk = browser(1366, 768)
    for elder in [False, True]:
        desk.go(f"/portal/mode?elder={1 if elder else 0}&back=%2Fportal%3Ftheme%3Dbirth")
        assert "主题服务" in desk.text()
        desk.shot(f"portal-theme-{'elder' if elder else 'standard'}-1366x768")
    hosts = phone.hosts() | desk.hosts()
    assert hosts and all(h.startswith("127.0.0.1:") for h in hosts), hosts


def test_portal_apply_online_pre_review_notice_online_supplement_and_accept(browser):
    paths = files()
    resident = browser(390, 844)
    sign_in(resident, PHONE)
    resident.shot("portal-mine-390x844")
    resident.go("/portal/apply/SCJ0701")
    resident.fill(name="刘坤", idNumber="11010519491231002X")
    resident.select("regionCode", "990101100201")
    # Two uploads: the signed form photographed, the lease scanned (the ID card is in the licence library, looked up
    # when the application is filed).
    assert "提交后由证照库核验调取" in resident.text()
    resident.driver.find_element("name", "m1[]").send_keys(paths["id.png"])
    resident.driver.find_element("name", "m2[]").send_keys(paths["lease.pdf"])
    resident.shot("portal-apply-390x844")
    resident.click_button("提交申请")
    text = resident.text()
    assert "申请已提交" in text and "待预审" in text and "查询密码" in text, text[:800]
    case = resident.driver.current_url.split("/portal/cases/")[1].split("?")[0]
    number = resident.driver.find_element("xpath", "//dt[.='办件编号']/following-sibling::dd[1]").text
    code = resident.driver.find_element("xpath", "//dt[.='查询密码']/following-sibling::dd[1]").text.split("（")[0]

    clerk = browser()
    clerk.login("ck-100")
    clerk.go("/prereview")
    assert number in clerk.text(), clerk.text()[:800]
    clerk.shot("prereview-1366x768")
    clerk.go(f"/cases/{case}")
    form = clerk.driver.find_element("css selector", 'form[data-action="request_supplement"]')
    form.find_element("css selector", 'input[name="missing[]"][value="经营场所使用证明"]').click()
    form.find_element("name", "reason").send_keys("场所证明照片不清晰，请重新上传")
    clerk.submit(form.find_element("tag name", "button"))
    sms = last_sms(PHONE, "supplement")
    assert "网上" in sms["text"] or "上传" in sms["text"], sms

    resident.go("/portal/mine")
    assert "待您补正" in resident.text()
    resident.go(f"/portal/cases/{case}")
    assert "上传补正材料" in resident.text()
    resident.driver.find_element("name", "m2[]").send_keys(paths["lease-clear.pdf"])
    resident.shot("portal-supplement-390x844")
    resident.click_button("提交补正材料")
    assert "补正材料已提交" in resident.text(), resident.text()[:600]

    clerk.go(f"/cases/{case}")
    clerk.action("accept")
    assert "已受理" in clerk.text(), clerk.text()[:600]

    # The deciding town's approver sees the photographed form on the case page.
    approver = browser()
    approver.login("sp-100")
    approver.go(f"/cases/{case}")
    images = approver.driver.find_elements("css selector", f'img[src^="/cases/{case}/files/"]')
    assert images, approver.text()[:800]
    # The image arrives after the page: wait until the browser has decoded it.
    WebDriverWait(approver.driver, 15).until(
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", images[0]))
    approver.shot("case-materials-approver-1366x768")

    # The receipt the window prints: its QR leads to the case's progress.
    clerk.go(f"/cases/{case}/receipt")
    url = decode_qr(clerk, "receipt-qr")
    assert "/portal/track?n=" in url, url
    scanned = browser(390, 844)
    scanned.driver.get(url)
    assert "已受理" in scanned.text() and number in scanned.text(), scanned.text()[:600]

    anyone = browser(390, 844)
    anyone.go("/portal/track")
    anyone.fill(number=number, queryCode=code)
    anyone.click_button("查询")
    text = anyone.text()
    assert "已受理" in text and "补正材料已提交，等待重新预审" in text and "刘坤" not in text, text[:800]
    anyone.shot("portal-track-390x844")
    assert all(h.startswith("127.0.0.1:") for h in resident.hosts() | anyone.hosts())


def test_portal_complaint_answered_by_the_supervisor(browser):
    resident = browser(390, 844)
    resident.go("/portal/complaints/new")
    resident.check("subject", "point")
    resident.select("pointPick", "sp-town-100")
    resident.fill(text="周一上午窗口只开了一个，排队一个多小时", phone="13766660002")
    resident.click_button("提交")
    text = resident.text()
    assert "已收到" in text and "查询码" in text, text[:600]
    number = resident.driver.find_element("xpath", "//dt[.='编号']/following-sibling::dd[1]").text
    code = resident.driver.find_element("xpath", "//dt[.='查询码']/following-sibling::dd[1]").text

    supervisor = browser()
    supervisor.login("jiandu")
    supervisor.go("/complaints")
    card = supervisor.driver.find_element("xpath", f"//section[.//dd[.='{number}']]")
    answer = card.find_element("css selector", 'form textarea[name="text"]')
    answer.send_keys("已实行弹性窗口，高峰时段增开两个窗口，感谢监督")
    supervisor.submit(answer.find_element("xpath", "./ancestor::form//button"))
    assert "已答复" in supervisor.text()
    supervisor.shot("complaints-desk-1366x768")
    assert "增开两个窗口" in last_sms("13766660002", "complaint_answered")["text"]

    resident.go("/portal/complaints/view")
    resident.fill(number=number, queryCode=code)
    resident.click_button("查询")
    assert "增开两个窗口" in resident.text()
