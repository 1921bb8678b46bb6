"""SPEC §4 journeys 1, 3 and 4 in a real browser."""
import datetime

from conftest import decode_qr

# The county's today is Beijing time (UTC+8), as the server reckons dates.
TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def file_business_licence(agent, name="刘坤", id_number="11010519491231002X"):
    agent.go("/window")
    agent.fill(q="geti")
    agent.click_button("查找")
    agent.submit(agent.driver.find_element("xpath", "//tr[td[contains(., '个体工商户设立登记')]]//a[contains(., '受理')]"))
    agent.fill(name=name, phone="13812345678", idNumber=id_number)
    agent.check("provided[]", "个体工商户登记（备案）申请书")
    agent.check("provided[]", "经营场所使用证明")
    agent.click_button("受理")
    assert "/receipt" in agent.driver.current_url, agent.text()[:800]
    return agent.case_id()


def test_journey_1_village_agent_files_town_approves_licence_prints_at_village(browser):
    agent = browser()
    agent.login("dl-100201")
    agent.go("/window?q=geti")
    agent.shots("window-search")
    agent.go("/window/items/SCJ0701")
    agent.shots("intake-form")
    case = file_business_licence(agent)
    text = agent.text()
    assert "受理回执" in text and "青禾县（演示）" in text and "刘坤" in text
    agent.shots("receipt")

    approver = browser()
    approver.login("sp-100")
    approver.go("/inbox")
    assert "个体工商户设立登记" in approver.text()
    approver.shots("inbox")
    approver.go(f"/cases/{case}")
    approver.action("start_review")
    approver.action("pass_stage")
    approver.action("approve", comment="符合条件，准予登记")
    assert "准予办理" in approver.text()
    approver.shots("case-approved")

    agent.go(f"/cases/{case}")
    agent.action("deliver", method="agent", collectorName="刘坤")
    assert "已送达" in agent.text()
    agent.go(f"/cases/{case}/decision")
    doc = agent.text()
    assert "准予" in doc and "审批专用章(03)" in doc and "个体工商户营业执照" in doc
    agent.shots("decision-print")


def test_journey_3_county_window_notice_supplement_bureau_approves_express(browser):
    clerk = browser()
    clerk.login("ck-county-1")
    clerk.go("/window?q=manxingbing")
    assert "门诊慢特病待遇认定" in clerk.text()
    clerk.go("/window/items/YBJ0503")
    clerk.fill(name="王建国", phone="13912345678", idNumber="440524188001010014")
    clerk.select("regionCode", "990101100203")
    clerk.check("provided[]", "认定申请表")
    clerk.fill(reason="病历资料须加盖医院病案室章")
    clerk.click_button("出具一次性告知书")
    assert "/notice" in clerk.driver.current_url, clerk.errors()
    notice = clerk.text()
    assert "一次性告知书" in notice and "二级以上医院诊断证明" in notice and "病历资料" in notice
    clerk.shots("one-time-notice")
    case = clerk.case_id()
    clerk.go(f"/cases/{case}")
    assert "待补正" in clerk.text()
    clerk.action("supplement", comment="材料已补齐")
    assert "已受理" in clerk.text()

    bureau = browser()
    bureau.login("sp-ybj")
    bureau.go(f"/cases/{case}")
    bureau.action("start_review")
    bureau.action("pass_stage")
    bureau.action("pass_stage")
    bureau.action("approve")
    assert "准予办理" in bureau.text() and "YBJ-01" in bureau.text()

    clerk.go(f"/cases/{case}")
    clerk.action("deliver", method="express", carrier="中国邮政EMS", trackingNumber="EM123456789CN")
    text = clerk.text()
    assert "已送达" in text and "EM123456789CN" in text
    clerk.shots("case-delivered")


def test_journey_4_delegation_decided_then_revoked(browser):
    admin = browser()
    admin.login("jiandu")
    admin.go("/admin/delegations")
    admin.driver.find_element("xpath", "//summary[contains(., '新建委托')]").click()
    form = admin.driver.find_element("id", "new-delegation")
    admin.fill(form, documentNumber="青禾政发〔2026〕9号")
    admin.check("allTowns", "on")
    for summary in form.find_elements("xpath", ".//details/summary"):
        if "残疾人联合会" in summary.text:
            summary.click()
    admin.check("itemCodes[]", "CLJ0701")
    admin.check("itemCodes[]", "CLJ0702")
    admin.click_button("保存委托", scope=form)
    assert "委托已保存" in admin.text(), admin.text()[:500]
    admin.shots("delegations")

    clerk = browser()
    clerk.login("ck-100")
    cases = []
    for name, idn in [("赵秀英", "11010519491231002X"), ("钱志强", "440524188001010014")]:
        clerk.go("/window/items/CLJ0701")
        clerk.fill(name=name, phone="13712345678", idNumber=idn)
        clerk.select("regionCode", "990101100205")
        for m in ["近期免冠照片", "残疾评定表"]:
            clerk.check("provided[]", m)
        clerk.click_button("受理")
        assert "/receipt" in clerk.driver.current_url, clerk.text()[:600]
        cases.append(clerk.case_id())

    approver = browser()
    approver.login("sp-100")
    approver.go(f"/cases/{cases[0]}")
    assert "青禾政发〔2026〕9号" in approver.text()
    for step in ["start_review", "pass_stage", "pass_stage", "approve"]:
        approver.action(step)
    assert "准予办理" in approver.text()

    admin.go("/admin/delegations")
    row = admin.driver.find_element("xpath", "//tr[td[contains(., '青禾政发〔2026〕9号')] and td[contains(., '青石镇')]]")
    revoke = row.find_element("css selector", "form[data-revoke]")
    revoke.find_element("name", "reason").send_keys("委托事项调整，收回审批权")
    revoke.find_element("name", "wholeDocument").click()
    admin.click_button("撤销", scope=revoke)
    assert "委托已撤销" in admin.text()

    approver.go(f"/cases/{cases[1]}")
    assert "start_review" not in approver.actions()
    approver.driver.execute_script("""
        const f = document.createElement('form'); f.method = 'post'; f.action = location.pathname + '/action';
        for (const [k, v] of [['action', 'start_review'], ['_csrf', document.querySelector('input[name=_csrf]').value]]) {
            const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
        document.body.appendChild(f); f.submit();""")
    approver.driver.implicitly_wait(5)
    import time; time.sleep(1)
    assert "无权" in approver.text()
    approver.shots("refused-after-revocation")


def test_journey_2_village_agent_issues_residence_certificate_anyone_verifies(browser):
    agent = browser()
    agent.login("dl-100201")
    agent.go("/window/items/MZJ0508")
    agent.fill(name="张珊", phone="13912345678", idNumber="440524188001010014")
    agent.click_button("受理并当场办结")
    assert "/receipt" in agent.driver.current_url, agent.errors()
    case = agent.case_id()
    agent.go(f"/cases/{case}")
    assert "准予办理" in agent.text() and "居住证明" in agent.text()
    agent.submit(agent.driver.find_element("xpath", "//section[h2[contains(., '电子证照')]]//a"))
    assert "居住证明" in agent.text() and "CW-100201" in agent.text()
    agent.shots("certificate-print")
    url = decode_qr(agent, "certificate-qr")
    assert "/v/JJ" in url and "?p=" in url and "&s=" in url

    anyone = browser()
    anyone.driver.get(url)
    assert anyone.driver.find_element("id", "verdict").text == "真实有效"
    assert "张*" in anyone.text() and "440***********0014" in anyone.text() and "张珊" not in anyone.text()
    anyone.shots("verify-authentic")

    supervisor = browser()
    supervisor.login("jiandu")
    supervisor.go(f"/cases/{case}")
    form = supervisor.driver.find_element("css selector", "form[action$='/revoke']")
    form.find_element("name", "reason").send_keys("申请人已迁出本村")
    supervisor.click_button("撤销证照", scope=form)

    anyone.driver.get(url)
    assert anyone.driver.find_element("id", "verdict").text == "已撤销"
    assert "申请人已迁出本村" in anyone.text()
    anyone.shots("verify-revoked")


def test_journey_6_rating_from_the_receipt_qr_and_follow_up(browser):
    agent = browser()
    agent.login("dl-100201")
    agent.go("/window/items/MZJ0508")
    agent.fill(name="张珊", phone="13912345678", idNumber="440524188001010014")
    agent.click_button("受理并当场办结")
    case = agent.case_id()
    url = decode_qr(agent, "receipt-qr")
    assert "/portal/track?n=" in url and "&q=" in url
    agent.go(f"/cases/{case}")
    agent.action("deliver", method="electronic")

    resident = browser()
    # The receipt's QR opens the case's progress at once, the rating link beside it.
    resident.driver.get(url)
    assert "已送达" in resident.text() or "办结" in resident.text()
    resident.shots("tracked")
    resident.driver.find_element("link text", "评价本次服务（好差评）").click()
    # The receipt's QR carries the query code (查询密码): the form arrives filled in.
    assert resident.driver.find_element("name", "queryCode").get_attribute("value")
    resident.driver.find_element("css selector", "input[name=level][value='2']").click()
    resident.fill(text="排队时间太长")
    resident.click_button("提交评价")
    assert "感谢您的评价" in resident.text()
    resident.shots("rated")

    agent.go("/followups")
    assert "不满意" in agent.text() and "排队时间太长" in agent.text()
    form = agent.driver.find_element("css selector", "form[data-followup=verify]")
    form.find_element("name", "note").send_keys("已电话联系申请人核实")
    agent.click_button("核实", scope=form)
    form = agent.driver.find_element("css selector", "form[data-followup=resolve]")
    form.find_element("name", "note").send_keys("增设代办窗口，已向申请人解释")
    agent.click_button("办结", scope=form)
    assert "已办结" in agent.text()
    agent.shots("followups")
