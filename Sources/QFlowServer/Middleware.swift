import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import QFlowStore

/// The request context of the workstation: the session (read afresh from the database on every request, so that
/// deactivation, a removed role or a revoked session take effect at once) and the client's address.
public struct WorkstationContext: RequestContext {
    /// Hummingbird's own storage.
    public var coreContext: CoreRequestContextStorage
    /// The signed-in session, if any.
    public var session: Session?
    /// The session's token.
    public var token: String?
    /// Whether the token came from the cookie (then writes need the CSRF token).
    public var viaCookie = false
    /// The client's address (from `X-Forwarded-For` behind a proxy), for throttling and the sign-in audit.
    public var client: String

    /// Creates a context for a request on a channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Loads the session of the request's token into the context.
struct SessionMiddleware: RouterMiddleware {
    let server: WorkstationServer

    func handle(
        _ request: Request, context: WorkstationContext,
        next: (Request, WorkstationContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if server.transport.behindProxy,
            let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!].last?
                .split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty
        {
            context.client = String(forwarded.prefix(64))
        }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            context.token = String(header.dropFirst(7))
        } else if let cookie = request.cookies[WorkstationServer.cookieName] {
            context.token = cookie.value
            context.viaCookie = true
        }
        if let token = context.token, !token.isEmpty, token.utf8.count <= 128 {
            let store = server.store
            let policy = try await server.sessionPolicy()
            let now = server.clock()
            context.session = try await blocking { try store.session(token: token, policy: policy, at: now) }
        }
        return try await next(request, context)
    }
}

/// Refuses state-changing requests from another origin (a cross-site form, a forged sign-in).
///
/// A browser sends `Origin` on every POST; it must be this server (scheme, host and port). Without `Origin`,
/// `Sec-Fetch-Site` must not say cross-site. Clients that send neither (curl, scripts) carry no ambient cookie of a
/// user's browser and pass.
struct OriginMiddleware: RouterMiddleware {
    typealias Context = WorkstationContext
    let secure: Bool
    let behindProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if request.method != .get, request.method != .head, request.method != .options {
            if let origin = request.headers[values: HTTPField.Name("Origin")!].first {
                let proto = behindProxy ? request.headers[values: HTTPField.Name("X-Forwarded-Proto")!].last : nil
                let scheme = proto ?? (secure ? "https" : "http")
                guard let host = request.head.authority ?? request.headers[values: HTTPField.Name("Host")!].first,
                    origin == "\(scheme)://\(host)"
                else {
                    throw APIError(.forbidden, "cross_origin", "this request comes from another site", field: "Origin")
                }
            } else if let site = request.headers[values: HTTPField.Name("Sec-Fetch-Site")!].first,
                site != "same-origin", site != "none"
            {
                throw APIError(
                    .forbidden, "cross_origin", "this request comes from another site", field: "Sec-Fetch-Site")
            }
        }
        return try await next(request, context)
    }
}

/// Headers on every response: no framing, no sniffing, no referrer to other sites (`same-origin`: with
/// `no-referrer` Chromium sends `Origin: null` on our own form posts), a strict content policy (the pages have no
/// inline script or style: one style sheet and one script, the idle lock, both from /assets/), and nothing signed-in
/// kept in a cache.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WorkstationContext
    let secure: Bool
    let behindProxy: Bool

    static let policy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action "
        + "'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try APIError(error).response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if request.uri.path != "/assets/app.css" { response.headers[.cacheControl] = "no-store" }
        if secure { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

/// Closes a connection whose request head has not arrived in time (after it opened, or after its last response):
/// a client that sends its headers a byte at a time holds no connection for long.
final class HeaderDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
