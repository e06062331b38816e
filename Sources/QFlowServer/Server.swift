import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOPosix
import NIOSSL
import QFlowAnalysis
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// `qflow serve`: the workstation's pages and JSON API over a ``Store``.
///
/// Every write is an engine event carrying the signed-in user, role and workstation. Requests authenticate with the
/// session cookie (then unsafe methods must echo the session's CSRF token in `X-CSRF-Token`, or a form's `csrf`
/// field) or with `Authorization: Bearer TOKEN` (no CSRF: no ambient credential). Who may call which route, and see
/// which run, is the table in ``Access``. Errors are JSON `{"code", "message", "field"?}`.
public struct WorkstationServer: Sendable {
    /// The database.
    public let store: Store
    /// Sign-in rules.
    public let policy: SignInPolicy
    /// Transport choices (TLS, a reverse proxy in front, timeouts).
    public let transport: Transport
    /// The clock (tests pass a fixed one).
    public let clock: @Sendable () -> Date
    /// Where report definitions are (`Reports/`), for downloads from the quality page.
    public let reports: String?
    /// The site's settings when no site file is published in the database.
    public let siteDefaults: SiteSettings
    /// The published site's settings, read again at most every few seconds.
    let siteCache = SiteCache()
    /// Failed sign-ins per client and per account.
    let throttle: SignInThrottle
    /// The slow password hash runs here, a few at a time, so that a flood of sign-ins cannot take every thread.
    let hashing = BoundedExecutor(label: "qflow.password-hash", queueLimit: 16)

    /// How the server is reached.
    public struct Transport: Sendable {
        /// PEM files of the certificate chain and private key: the server speaks HTTPS (cookies are `Secure`).
        public var tls: (certificate: String, key: String)?
        /// A TLS-terminating reverse proxy (nginx) is in front: client addresses come from `X-Forwarded-For` and
        /// cookies are `Secure` when `X-Forwarded-Proto` is https.
        public var behindProxy = false
        /// A connection with no traffic for this long is closed.
        public var idleTimeout: TimeAmount = .seconds(30)
        /// A connection that has not sent a whole request head this long after opening (or after its last
        /// response) is closed: slow-header clients hold nothing.
        public var headerTimeout: TimeAmount = .seconds(10)

        /// Plain HTTP on loopback, for one machine or tests.
        public init(
            tls: (certificate: String, key: String)? = nil, behindProxy: Bool = false,
            idleTimeout: TimeAmount = .seconds(30), headerTimeout: TimeAmount = .seconds(10)
        ) {
            self.tls = tls
            self.behindProxy = behindProxy
            self.idleTimeout = idleTimeout
            self.headerTimeout = headerTimeout
        }
    }

    /// Creates a server over a store.
    public init(
        store: Store, policy: SignInPolicy = SignInPolicy(), reports: String? = nil, transport: Transport = Transport(),
        throttle: SignInThrottle.Limits = SignInThrottle.Limits(), site: SiteSettings = SiteSettings(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.siteDefaults = site
        self.policy = policy
        self.reports = reports
        self.transport = transport
        self.throttle = SignInThrottle(throttle)
        self.clock = clock
    }

    /// The session cookie's name.
    public static let cookieName = "qflow_session"

    /// Serves until the process is asked to stop; `onRunning` receives the bound port (useful with port 0).
    public func run(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
        let deadline = transport.headerTimeout
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HeaderDeadlineHandler(timeout: deadline)], idleTimeout: transport.idleTimeout)
        let server: HTTPServerBuilder
        if let tls = transport.tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            server = try .tls(
                .http1(configuration: http),
                tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } else {
            server = .http1(configuration: http)
        }
        let app = Application(
            router: router(), server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "qflow"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// The routes, each registered through ``Access``.
    public func router() -> Router<WorkstationContext> {
        let router = Router(context: WorkstationContext.self)
        router.add(
            middleware: SecurityHeadersMiddleware(secure: transport.tls != nil, behindProxy: transport.behindProxy))
        router.add(middleware: StoreErrorMiddleware())
        router.add(middleware: OriginMiddleware(secure: transport.tls != nil, behindProxy: transport.behindProxy))
        router.add(middleware: SessionMiddleware(server: self))
        addAPI(to: router)
        addPages(to: router)
        addIntake(to: router)
        addQualityPages(to: router)
        addAdminPages(to: router)
        return router
    }

    /// Registers a route under its rule in ``Access/routes``: callers outside its readers get 401 (or the sign-in
    /// page) and 403, before the handler runs.
    func on(
        _ router: Router<WorkstationContext>, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, WorkstationContext) async throws -> Response
    ) {
        guard let rule = Access.route(method.rawValue, path) else {
            preconditionFailure("\(method.rawValue) \(path) has no rule in Access.routes")
        }
        let isPage = !path.hasPrefix("/api/")
        router.on(RouterPath(path), method: method) { request, context in
            if let refusal = try Self.refusal(rule, isPage: isPage, request: request, context: context) {
                return refusal
            }
            return try await handler(request, context)
        }
    }

    /// Why a request may not reach its handler, as the response to send instead.
    static func refusal(_ rule: Access.Route, isPage: Bool, request: Request, context: WorkstationContext) throws
        -> Response?
    {
        if case .anyone = rule.readers { return nil }
        guard let session = context.session else {
            if isPage { return redirect("/login") }
            throw APIError(.unauthorized, "not_signed_in", "sign in first (POST /api/v1/sessions)")
        }
        // A cookie is sent by the browser on its own: a write through it must prove it comes from our page (forms
        // carry the token in their `csrf` field, checked where the form is read).
        let unsafe = request.method != .get && request.method != .head
        if unsafe, context.viaCookie, !isPage,
            !session.acceptsCSRF(request.headers.first { $0.name.canonicalName == "x-csrf-token" }?.value)
        {
            throw APIError(.forbidden, "csrf", "missing or wrong X-CSRF-Token for this session", field: "X-CSRF-Token")
        }
        // A workstation left idle is locked: nothing but unlocking or signing out until the password is given.
        if session.locked, !Self.openWhileLocked.contains(rule.path) {
            if isPage, request.method == .get { return lockedPage(session, request: request) }
            throw APIError(
                .unauthorized, "locked",
                "this workstation is locked after a while without use: unlock it with the password (POST "
                    + "/api/v1/sessions/unlock)"
            )
        }
        guard rule.readers.admit(session.role) else {
            if isPage { return forbiddenPage(session, request: request) }
            throw APIError(.forbidden, "forbidden", "role \(session.role) may not use \(rule.method) \(rule.path)")
        }
        return nil
    }

    // MARK: Sign-in

    /// Signs in through the throttle and the bounded hash executor; the same refusal for every kind of failure.
    func signIn(user: String, password: String, role: String, workstation: String?, client: String) async throws
        -> (token: String, session: Session)
    {
        let now = clock()
        if let wait = throttle.reserve(client: client, account: user, at: now) {
            throw APIError.tooManyAttempts(retryAfter: wait)
        }
        let store = store
        let policy = policy
        let result: Result<(token: String, session: Session), StoreError>
        do {
            result = try await hashing.run {
                Result { () throws(StoreError) in
                    try store.signIn(
                        userId: user, password: password, role: role, workstation: workstation, client: client,
                        policy: policy, at: now)
                }
            }
        } catch {
            throttle.release(client: client, account: user, failed: false)
            throw APIError.tooManyAttempts(retryAfter: 1)
        }
        switch result {
        case .success(let signedIn):
            throttle.release(client: client, account: user, failed: false)
            return signedIn
        case .failure(let error):
            throttle.release(client: client, account: user, failed: error.code == .signInRefused)
            throw error
        }
    }

    /// The session cookie for a token.
    func sessionCookie(_ token: String, request: Request) -> Cookie {
        Cookie(
            name: Self.cookieName, value: token, maxAge: Int(policy.sessionLength), path: "/",
            secure: isSecure(request), httpOnly: true, sameSite: .strict)
    }

    /// Whether the client reached us over HTTPS (directly, or through the proxy).
    func isSecure(_ request: Request) -> Bool {
        transport.tls != nil
            || (transport.behindProxy && request.headers[values: HTTPField.Name("X-Forwarded-Proto")!].last == "https")
    }

    /// Runs whose protocol the session may see, of those given.
    func visible(_ runs: [RunSummary], to session: Session) -> [RunSummary] {
        runs.filter { run in
            guard let spec = try? store.spec(run.protocolId, version: run.version).spec else { return false }
            return Access.canSee(spec, subjectId: run.subjectId, session: session)
        }
    }

    /// The definition of a run the session may see, or the same not-found error as a run that does not exist.
    func visibleScope(_ id: String, to session: Session) async throws -> ProtocolSpec {
        let store = store
        let scope = try await blocking { try store.scope(ofRun: id) }
        guard Access.canSee(scope.spec, subjectId: scope.subjectId, session: session) else {
            throw StoreError(.notFound, "no run \(id) (list runs with qflow run list)")
        }
        return scope.spec
    }

    /// A run the session may see, with its history; its scope is checked before the history is read.
    func visibleRun(_ id: String, to session: Session) async throws -> RunDetail {
        _ = try await visibleScope(id, to: session)
        let store = store
        return try await blocking { try store.run(id) }
    }

    // MARK: Actions

    /// Applies a verb to a run the session may see.
    func act(
        runId: String, verb: String, item: String?, value: String?, reason: String?, expectedSeq: Int?,
        session: Session
    ) async throws -> ActionResult {
        let spec = try await visibleScope(runId, to: session)
        let command: RunCommand
        do {
            command = try RunCommand(verb: verb, item: item, value: value, in: spec)
        } catch {
            throw APIError(.badRequest, error.error.code.rawValue, error.error.message, field: error.field)
        }
        let request = ActionRequest(
            .command(runId: runId, command), by: session.actor, at: clock(), reason: reason, expectedSeq: expectedSeq)
        let store = store
        return try await blocking { try store.perform(request) }
    }

    // MARK: JSON

    /// A Codable value as a JSON response; `snakeCase` for the API's own bodies (``APIBody``), whose Swift names
    /// are camelCase.
    static func encoded(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .timestamp
        if !(value is RunDocument) { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    // MARK: Site

    /// Routes a locked session may still use.
    static let openWhileLocked: Set<String> = [
        "/unlock", "/api/v1/sessions/unlock", "/logout", "/api/v1/sessions", "/assets/app.css", "/assets/app.js",
        "/api/v1/me",
    ]

    /// The site's settings: the published site file's, else the defaults the server was started with.
    func siteSettings() async throws -> SiteSettings {
        if let cached = siteCache.value(at: clock()) { return cached }
        let store = store
        let defaults = siteDefaults
        let settings = try await blocking { try SiteSettings.current(store, defaults: defaults) }
        siteCache.remember(settings, at: clock())
        return settings
    }

    /// The sign-in policy with the site's idle lock.
    func sessionPolicy() async throws -> SignInPolicy {
        var policy = policy
        policy.lockAfter = TimeInterval(try await siteSettings().idleLockSeconds)
        return policy
    }

    /// The lock page (for a page opened while the session is locked, without the script).
    static func lockedPage(_ session: Session, request: Request) -> Response {
        let page = PageContext(language: lang(request), session: nil, timeZone: .gmt, idleLockSeconds: 0)
        let body: HTML = """
            <h1>\(page.t(Wording.unlock))</h1><p>\(page.t(Wording.lockedTitle))</p><p>\(session.user.name)</p>\
            <form method="post" action="/unlock">\(PageContext.hidden("csrf", session.csrf))\
            \(PageContext.hidden("back", request.uri.path))\
            <label>\(page.t(Wording.password)) <input type="password" name="password" autocomplete="current-password"\
             required></label>\
            <button class="yes">\(page.t(Wording.unlock))</button></form>\
            <form method="post" action="/logout">\(PageContext.hidden("csrf", session.csrf))\
            <button>\(page.t(Wording.signOut))</button></form>
            """
        return page.document(page.t(Wording.unlock), body, status: .unauthorized)
    }

    /// The page for a role that may not open a page.
    static func forbiddenPage(_ session: Session, request: Request) -> Response {
        let page = PageContext(language: lang(request), session: session, timeZone: .gmt, idleLockSeconds: 0)
        return page.document(
            page.t(Wording.forbidden),
            "<h1>\(page.t(Wording.forbidden))</h1><p>\(page.t(Wording.forbiddenText))</p><p><a "
                + "href=\"/\">\(page.t(Wording.today))</a></p>",
            status: .forbidden)
    }
}

/// The threads blocking store work runs on. Dispatch's global queue runs about one thread per core on Linux, and a
/// store call waiting for its group commit holds its thread: with two cores, two waiting writers held up every read.
/// Thirty-two threads of our own keep reads moving while writers wait for the disk.
let storeThreads: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 32)
    pool.start()
    return pool
}()

/// Runs blocking store work off the cooperative pool, on ``storeThreads``.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await storeThreads.runIfActive(body)
}
