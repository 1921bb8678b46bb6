import Foundation

/// Why jiujin refuses to start: a setting is missing or unusable. The message names the setting and the fix.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
