import Fluent
import JiujinCore
import Vapor

/// When jiujin runs for real (`--no-demo`), every account still on the demo
/// password must choose a new one at its next sign-in.
enum DefaultPasswords {
    static func flagForChange(_ db: Database, door: WriteDoor) async throws -> Int {
        let users = try await StaffModel.query(on: db).filter(\.$mustChangePassword == false).all()
        var verdicts: [String: Bool] = [:]
        var flagged = 0
        for user in users {
            let isDemo: Bool
            if let known = verdicts[user.passwordHash] {
                isDemo = known
            } else {
                isDemo = (try? Bcrypt.verify(DemoCounty.demoPassword, created: user.passwordHash)) ?? false
                verdicts[user.passwordHash] = isDemo
            }
            if isDemo, let id = user.id {
                try await door.write(db) { tx in
                    try await StaffModel.query(on: tx).filter(\.$id == id).set(\.$mustChangePassword, to: true).update()
                }
                flagged += 1
            }
        }
        return flagged
    }
}
