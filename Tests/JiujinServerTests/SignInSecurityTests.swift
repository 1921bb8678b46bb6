import Fluent
import Foundation
import JiujinCore
import Testing
@testable import JiujinServer
import VaporTesting

/// Sign-in that cannot stall the county, names that do not leak, and the rate limits of the public doors.
@Suite struct SignInSecurityTests {
    func from(_ address: String, header: String = "X-Real-IP") -> [(String, String)] { [(header, address)] }

    func signIn(_ c: TestClient, _ name: String, _ password: String, from address: String, header: String = "X-Real-IP") async throws -> Reply {
        try await c.send(.POST, "/api/v1/auth/token", json: ["username": name, "password": password], headers: from(address, header: header))
    }

    @Test func failuresSlowTheNameFromThatAddressOnlyAndNamesDoNotLeak() async throws {
        try await withJiujin(tune: { $0.clientIPHeader = "X-Real-IP" }) { app, c in
            let attacker = "203.0.113.9", official = "198.51.100.20"
            // A real name with a wrong password and a name nobody has answer alike.
            let real = try await signIn(c, "ck-100", "wrong-password", from: attacker)
            let none = try await signIn(c, "no-such-clerk", "wrong-password", from: attacker)
            #expect(real.status == .unauthorized && none.status == .unauthorized)
            #expect(real.errorCode == none.errorCode && real.string("message") == none.string("message"))
            #expect((real.json as? [String: Any])?.keys.sorted() == (none.json as? [String: Any])?.keys.sorted())
            for _ in 0..<4 {
                _ = try await signIn(c, "ck-100", "wrong-password", from: attacker)
                _ = try await signIn(c, "no-such-clerk", "wrong-password", from: attacker)
            }
            // Five failures: the name waits from the attacker's address, the right password included — and so
            // does the name nobody has, with the same answer.
            let slowed = try await signIn(c, "ck-100", DemoCounty.demoPassword, from: attacker)
            let slowedNone = try await signIn(c, "no-such-clerk", "anything", from: attacker)
            #expect(slowed.status == .tooManyRequests && slowed.errorCode == "too_many_attempts")
            #expect(slowedNone.status == .tooManyRequests && slowedNone.errorCode == "too_many_attempts")
            #expect(Int(slowed.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1)
            #expect(slowed.string("message")?.contains("秒后再试") == true)
            // The official at their own desk is not locked out by it.
            let own = try await signIn(c, "ck-100", DemoCounty.demoPassword, from: official)
            #expect(own.status == .ok, "\(own.text)")
            // Another name from the attacker's address is not slowed either.
            #expect(try await signIn(c, "ck-101", DemoCounty.demoPassword, from: attacker).status == .ok)
            // Only the configured header names the client: another header is ignored.
            app.jiujin.signInThrottle.clear(name: "ck-100")
            #expect(try await signIn(c, "ck-100", DemoCounty.demoPassword, from: attacker).status == .ok)
        }
    }

    @Test func theThrottleGrowsAndAnAdministratorCanClearIt() {
        let t = SignInThrottle()
        for _ in 0..<4 { t.failed(name: "Admin", address: "a", now: 100) }
        #expect(t.wait(name: "admin", address: "a", now: 100) == nil)
        t.failed(name: "admin", address: "a", now: 100)
        #expect(t.wait(name: "ADMIN", address: "a", now: 100) == 30)
        #expect(t.wait(name: "admin", address: "b", now: 100) == nil)
        #expect(t.wait(name: "admin", address: "a", now: 131) == nil)
        t.failed(name: "admin", address: "a", now: 131)
        #expect(t.wait(name: "admin", address: "a", now: 131) == 60)
        for _ in 0..<30 { t.failed(name: "admin", address: "a", now: 200) }
        #expect(t.wait(name: "admin", address: "a", now: 200) == SignInThrottle.maxFromAddress)
        // Fifty failures from everywhere slow the name itself, but for a minute at most.
        for i in 0..<60 { t.failed(name: "leader", address: "bot-\(i)", now: 500) }
        #expect((t.wait(name: "leader", address: "desk", now: 500) ?? 0) <= 60)
        #expect(t.wait(name: "leader", address: "desk", now: 500) != nil)
        #expect(t.wait(name: "leader", address: "desk", now: 561) == nil)
        t.clear(name: "admin")
        #expect(t.wait(name: "admin", address: "a", now: 200) == nil)
        t.succeeded(name: "leader", address: "desk")
        #expect(t.wait(name: "leader", address: "desk", now: 500) == nil)
    }

    @Test func unknownNamesCostWhatRealOnesCostAndWeakHashesAreReplaced() async throws {
        try await withJiujin(tune: { $0.passwordCost = 5 }) { app, c in
            let user = try #require(try await StaffModel.query(on: app.db).filter(\.$username == "ck-100").first())
            #expect(user.passwordHash.hasPrefix("$2b$05$"), "the demo accounts are hashed at the configured cost")
            #expect(!app.jiujin.passwords.isWeaker(user.passwordHash))
            // A hash of an older, lower cost is replaced at the next sign-in.
            user.passwordHash = try Bcrypt.hash(DemoCounty.demoPassword, cost: 4)
            try await user.save(on: app.db)
            #expect(app.jiujin.passwords.isWeaker(user.passwordHash))
            _ = try await c.login("ck-100")
            let after = try #require(try await StaffModel.query(on: app.db).filter(\.$username == "ck-100").first())
            #expect(after.passwordHash.hasPrefix("$2b$05$"))
            _ = try await c.login("ck-100")
        }
    }

    @Test func aFloodOfSignInsDoesNotHoldUpCaseWrites() async throws {
        // Each check costs real bcrypt work here (cost 12, about 8 s for all 24), on the one password thread; the case
        // write takes far less even on PostgreSQL on a machine busy with other builds (at cost 11 it once lost the race).
        try await withJiujin(tune: { $0.passwordCost = 12; $0.clientIPHeader = "X-Real-IP" }) { app, c in
            let agent = try await c.login("dl-100201")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<24 {
                    group.addTask { _ = try await signIn(c, "ck-\(100 + i % 4)", "wrong-\(i)", from: "192.0.2.\(i)") }
                }
                // Once checks are waiting for the password thread, a case is filed — and comes back while they still wait.
                let deadline = ContinuousClock.now + .seconds(20)
                while app.jiujin.passwords.queued < 8, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
                #expect(app.jiujin.passwords.queued >= 8, "sign-ins never queued up for the password thread")
                let filed = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508"))
                #expect(filed.status == .created, "\(filed.text)")
                #expect(app.jiujin.passwords.queued > 0, "the case waited for the sign-ins")
                try await group.waitForAll()
            }
        }
    }

    @Test func passwordChecksWaitingBeyondTheLimitAreRefusedAtOnce() async throws {
        let work = PasswordWork(cost: 8, waitingLimit: 2)
        let hash = try Bcrypt.hash("secret-123", cost: 8)
        async let a = work.verify("x", against: hash)
        async let b = work.verify("y", against: hash)
        while work.queued < 2 { try await Task.sleep(for: .milliseconds(1)) }
        await #expect(throws: APIError.self) { try await work.verify("secret-123", against: hash) }
        let (first, second) = try await (a, b)
        #expect(first == false && second == false)
        #expect(try await work.verify("secret-123", against: hash))
    }

    @Test func bucketsPerAddressAndForEverybody() {
        let limiter = RateLimiter(scale: 1)
        let burst = Int(RateDoor.applications.limits.burst)
        for _ in 0..<burst { #expect(limiter.admit(.applications, address: "a", now: 10) == nil) }
        let wait = limiter.admit(.applications, address: "a", now: 10)
        #expect(wait != nil && wait! > 0 && wait! <= 3.01)
        #expect(limiter.admit(.applications, address: "b", now: 10) == nil, "another address has its own bucket")
        #expect(limiter.admit(.verification, address: "a", now: 10) == nil, "another door has its own bucket")
        #expect(limiter.admit(.applications, address: "a", now: 13.1) == nil, "a token comes back in 60/perMinute seconds")
        // The ceiling for everybody: many addresses together.
        let global = RateLimiter(scale: 1)
        var refused = 0
        for i in 0..<Int(RateDoor.applications.limits.globalBurst) + 10 where global.admit(.applications, address: "x\(i)", now: 50) != nil {
            refused += 1
        }
        #expect(refused == 10)
        // Scale 0 switches limits off.
        let off = RateLimiter(scale: 0)
        for _ in 0..<1000 { #expect(off.admit(.signIn, address: "a", now: 1) == nil) }
    }

    @Test func publicDoorsAnswer429WithRetryAfter() async throws {
        try await withJiujin(tune: { $0.rateLimitScale = 0.1; $0.clientIPHeader = "X-Forwarded-For" }) { app, c in
            // Sign-in: a burst of 3 at this scale.
            for _ in 0..<3 {
                #expect(try await signIn(c, "nobody", "x", from: "203.0.113.1", header: "X-Forwarded-For").status == .unauthorized)
            }
            let limited = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "nobody", "password": "x"],
                                           headers: [("X-Forwarded-For", "10.0.0.1, 203.0.113.1")])
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited", "\(limited.text)")
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1)
            // The proxy's last entry is the client: a client cannot pick a fresh address by prepending one.
            #expect(try await c.send(.POST, "/api/v1/auth/token", json: ["username": "nobody", "password": "x"],
                                     headers: [("X-Forwarded-For", "198.51.100.7, 203.0.113.1")]).status == .tooManyRequests)
            #expect(try await signIn(c, "nobody", "x", from: "203.0.113.2", header: "X-Forwarded-For").status == .unauthorized)
            // Certificate checks and the public rating page: 12 and 6 at this scale.
            // (On a slow machine the buckets refill a little meanwhile: a few more requests may pass before the 429.)
            var statuses: [HTTPStatus] = []
            while statuses.count < 30, statuses.last != .tooManyRequests {
                statuses.append(try await c.send(.GET, "/api/v1/certificates/JJNOSUCHCERT", headers: from("203.0.113.3", header: "X-Forwarded-For")).status)
            }
            #expect(statuses.prefix(12).allSatisfy { $0 == .ok } && statuses.last == .tooManyRequests, "\(statuses)")
            var pages: [HTTPStatus] = []
            while pages.count < 20, pages.last != .tooManyRequests {
                pages.append(try await c.send(.GET, "/r", headers: from("203.0.113.4", header: "X-Forwarded-For")).status)
            }
            #expect(pages.prefix(6).allSatisfy { $0 == .ok } && pages.last == .tooManyRequests, "\(pages)")
            // The web sign-in page says it in Chinese, with Retry-After.
            let web = WebClient(app: app)
            try await web.get("/login")
            var last: WebClient.Page?
            for _ in 0..<4 { last = try await web.post("/login", [("username", "nobody"), ("password", "x")]) }
            #expect(last?.status == .tooManyRequests)
            #expect(last?.html.contains("请求过于频繁") == true, "\(last?.html.prefix(300) ?? "")")
        }
    }

    @Test func withoutAConfiguredHeaderForwardedAddressesAreIgnored() async throws {
        try await withJiujin(tune: { $0.rateLimitScale = 0.1 }) { _, c in
            var statuses: [HTTPStatus] = []
            for i in 0..<4 {
                statuses.append(try await c.send(.POST, "/api/v1/auth/token", json: ["username": "nobody", "password": "x"],
                                                 headers: [("X-Forwarded-For", "203.0.113.\(i)"), ("X-Real-IP", "203.0.113.\(i)")]).status)
            }
            #expect(statuses.last == .tooManyRequests, "\(statuses)")
        }
    }
}

/// Browser hardening and what the operations endpoints tell strangers.
@Suite struct HardeningTests {
    @Test func everyResponseCarriesTheBrowserHeadersAndSignedInOnesAreNotStored() async throws {
        try await withJiujin(tune: { $0.secureCookies = true }) { app, c in
            for path in ["/login", "/api/v1/items?q=yyzz", "/v", "/nothing-here", "/api/v1/nothing-here"] {
                let r = try await c.send(.GET, path)
                let csp = r.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(r.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(r.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(r.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
                #expect(r.headers.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true, "\(path)")
            }
            #expect(try await c.send(.GET, "/api/v1/items?q=yyzz").headers.first(name: .cacheControl) == nil)
            // Over https the cookies are __Host- ones (Secure, whole site, this host only), and they still sign in.
            let https = WebClient(app: app)
            _ = try await https.get("/login")
            #expect(https.cookies.keys.contains("__Host-jiujin_login_csrf") && !https.cookies.keys.contains("jiujin_login_csrf"))
            let signed = try await https.post("/login", [("username", "ck-100"), ("password", DemoCounty.demoPassword), ("next", "/")])
            #expect(signed.status == .seeOther && https.cookies.keys.contains("__Host-jiujin_session"))
            #expect(try await https.get("/window").status == HTTPStatus.ok)
            let agent = try await c.login("dl-100201")
            let filed = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508"))
            let id = try #require(filed.string("id"))
            let applicant = try await c.send(.GET, "/api/v1/cases/\(id)/applicant?purpose=核对身份", token: agent)
            #expect(applicant.status == .ok)
            #expect(applicant.headers.first(name: .cacheControl) == "no-store")
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)", token: agent).headers.first(name: .cacheControl) == "no-store")
            let web = WebClient(app: app)
            _ = try await web.signIn("ck-100")
            #expect(try await web.get("/").status == .ok)
            // No page of the workbench holds inline script or inline styles (the policy would block them).
            for path in ["/", "/window?q=yyzz", "/cases", "/login"] {
                let html = try await web.get(path).html
                #expect(!html.contains("onclick=") && !html.contains("javascript:") && !html.contains("style=\""), "\(path)")
                #expect(!html.contains("<script>"), "\(path)")
            }
        }
        try await withJiujin { _, c in
            let plain = try await c.send(.GET, "/login")
            #expect(plain.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS over plain HTTP")
        }
    }

    @Test func theSignInRedirectStaysOnThisSite() {
        for bad in ["/\t/evil.example/", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/ /x",
                    "/\u{0B}/evil.example", "/\u{3000}/evil.example", "evil"] {
            #expect(AccountPages.safeNext(bad) == "/", "\(bad.debugDescription)")
        }
        #expect(AccountPages.safeNext("/cases?status=accepted") == "/cases?status=accepted")
        #expect(AccountPages.safeNext(nil) == "/")
    }

    @Test func healthTellsStrangersUpOrDownAndMetricsCanRequireAToken() async throws {
        try await withJiujin(tune: { $0.metricsToken = "metrics-secret-token" }) { _, c in
            let anonymous = try await c.send(.GET, "/healthz")
            #expect(anonymous.status == .ok && anonymous.string("status") == "ok")
            #expect(anonymous["calendarYears"] == nil && anonymous["database"] == nil && anonymous["warnings"] == nil)
            let clerk = try await c.login("ck-100")
            #expect(try await c.send(.GET, "/healthz", token: clerk)["calendarYears"] == nil)
            let admin = try await c.login("admin")
            #expect((try await c.send(.GET, "/healthz", token: admin)["calendarYears"] as? [Int]) == [2025, 2026])
            #expect(try await c.send(.GET, "/metrics").status == .unauthorized)
            #expect(try await c.send(.GET, "/metrics", token: "metrics-secret-tokeX").status == .unauthorized)
            #expect(try await c.send(.GET, "/metrics", token: "metrics-secret-token-longer").status == .unauthorized)
            let m = try await c.send(.GET, "/metrics", token: "metrics-secret-token")
            #expect(m.status == .ok && m.text.contains("jiujin_http_requests_total"))
        }
    }

    @Test func aMemberWhoMustChangeThePasswordCanStillSignOut() async throws {
        try await withJiujin { app, _ in
            let user = try #require(try await StaffModel.query(on: app.db).filter(\.$username == "ck-100").first())
            user.mustChangePassword = true
            try await user.save(on: app.db)
            let web = WebClient(app: app)
            let signedIn = try await web.signIn("ck-100")
            #expect(signedIn.location == "/account/password")
            let page = try await web.get("/account/password")
            #expect(page.html.contains("action=\"/logout\""))
            let out = try await web.post("/logout", [])
            #expect(out.status == .seeOther && out.location?.hasPrefix("/login") == true)
            #expect(try await web.get("/").location?.hasPrefix("/login") == true)
        }
    }

    @Test func theAddressInQRCodesNeverComesFromTheHostHeader() async throws {
        try await withJiujin(tune: { $0.publicURL = "https://jiujin.example.gov.cn" }) { app, c in
            let agent = try await c.login("dl-100201")
            let filed = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508"))
            let id = try #require(filed.string("id"))
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            headers.add(name: .host, value: "evil.example")
            let certs: [String] = filed.list("events").compactMap { ($0["details"] as? [String: Any])?["certificate"] as? String }
            let cert = try #require(certs.first)
            for path in ["/cases/\(id)/receipt", "/certificates/\(cert)"] {
                let res = try await app.testing().sendRequest(.GET, path, headers: headers)
                let html = String(buffer: res.body)
                #expect(res.status == .ok && !html.contains("evil.example") && html.contains("jiujin.example.gov.cn"), "\(path)")
            }
        }
    }
}
