import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// An API error: an HTTP status, a stable code, one line for people, and the request field at fault if any.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`not_signed_in`, `csrf`, `conflict`, `role_not_allowed`, …).
    public var code: String
    /// What went wrong and why.
    public var message: String
    /// The request field at fault.
    public var field: String?

    /// Seconds to wait before trying again (429).
    public var retryAfter: Int?
    /// Every problem of a refused batch (a CSV schedule: one per bad row, with its line and column).
    public var problems: [StoreError.Problem]?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// Too many sign-in attempts: 429 with `Retry-After`.
    static func tooManyAttempts(retryAfter seconds: Int) -> APIError {
        var error = APIError(
            .tooManyRequests, "too_many_attempts", "too many sign-in attempts: try again in \(seconds) s")
        error.retryAfter = seconds
        return error
    }

    /// The server's one map from an error to its answer.
    ///
    /// A QualityFlow error is answered by its kind (never by its text) with its code and field; a body that does not
    /// decode names the field at fault; another HTTP error keeps its status; anything else is a 500 with no
    /// internals. A 5xx never shows the error's message.
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as DecodingError:
            self = .decoding(error)
        case let error as any CodedError:
            let status = Self.status(of: error.kind)
            self.init(
                status, error.codeText, status.code >= 500 ? Self.internalMessage : error.message, field: error.field)
            if let problems = (error as? StoreError)?.problems, !problems.isEmpty { self.problems = problems }
        case let error as any HTTPResponseError:
            self.init(error.status, Self.code(of: error.status), error.status.reasonPhrase)
        default:
            self.init(.internalServerError, "internal", Self.internalMessage)
        }
    }

    /// What a 5xx says: nothing of the server's internals.
    static let internalMessage = "the server could not complete this"

    /// The HTTP status of each kind of error.
    static func status(of kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .alreadyExists, .conflict: .conflict
        case .refused: .unprocessableContent
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .database, .corrupt, .io, .internal: .internalServerError
        }
    }

    /// A code for an HTTP error raised outside QualityFlow's code (the router's 404 and 405).
    static func code(of status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "invalid_input"
        default: status.code >= 500 ? "internal" : "invalid_input"
        }
    }

    /// A refusal to show on the page the person is on; a server fault (5xx) is thrown on, to the error middleware.
    static func refusal(_ error: any Error) throws -> APIError {
        let answer = APIError(error)
        guard answer.status.code < 500 else { throw error }
        return answer
    }

    /// The JSON body of an error.
    struct Body: Encodable {
        var code: String
        var message: String
        var field: String?
        var problems: [StoreError.Problem]?
    }

    /// `{"code", "message", "field"?}` as JSON with the status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try WorkstationServer.encoded(
            Body(code: code, message: message, field: field, problems: problems), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

/// Turns every error a handler throws into an API error through the one map (`APIError.init(_:)`); anything unknown
/// is logged by its type only and answered as a 500 without internals.
struct StoreErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let answer = APIError(error)
            if answer.status.code >= 500 {
                // A 500 carries no internals; the log names the code and the error's type, never its message.
                context.logger.error("request failed: \(answer.code) (\(String(reflecting: type(of: error))))")
            }
            throw answer
        }
    }
}
