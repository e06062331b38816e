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

    /// The error for a store or engine refusal, by its code (never by its text).
    public init(_ error: StoreError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .conflict: .conflict
            case .alreadyExists: .conflict
            case .invalidInput: .badRequest
            case .signInRefused: .unauthorized
            case .forbidden: .forbidden
            case .refused
            where error.engineCode == .roleNotAllowed || error.engineCode == .duplicateSigner
                || error.engineCode == .notOwner:
                .forbidden
            // One owner at a time: someone else claimed the run first.
            case .refused where error.engineCode == .alreadyClaimed: .conflict
            case .refused: .unprocessableContent
            default: .internalServerError
            }
        let code = error.engineCode?.rawValue ?? error.code.rawValue
        self.init(
            status, code, status == .internalServerError ? "the server could not complete this" : error.message,
            field: error.item)
        if !error.problems.isEmpty { problems = error.problems }
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

/// Turns store and engine errors thrown by handlers into API errors, and anything unknown into a 500 without internals.
struct StoreErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as StoreError {
            throw APIError(error)
        } catch let error as EngineError {
            throw APIError(StoreError(error))
        } catch let error as DecodingError {
            throw APIError.decoding(error)
        } catch let error as HTTPResponseError {
            throw error
        } catch {
            // Anything else is a 500 with no internals, still answered through the security headers.
            context.logger.error("request failed: \(String(reflecting: type(of: error)))")
            throw APIError(.internalServerError, "internal", "the server could not complete this")
        }
    }
}
