/// A stable, machine-readable code of one module's errors; `Domain` is that module's error type.
///
/// Codes are open sets: a module declares its own as `extension ErrorCode where Domain == StoreError { … }`, and a
/// code of one module never compares equal to another's (`ErrorCode<StoreError>` and `ErrorCode<EngineError>` are
/// different types).
public struct ErrorCode<Domain>: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code's text, e.g. `not_found`: what the JSON API returns.
    public let rawValue: String
    /// Creates a code from its text.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The code's text.
    public var description: String { rawValue }
}
