import JiujinCore
import Vapor

/// A calendar warning as the API shows it, e.g. a deadline that reaches into a year whose holidays are not loaded.
struct WarningView: Content {
    var code: String
    var message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    init(_ w: CalendarWarning) { self.init(code: w.code, message: w.message) }
}
