import QFlowEngine
import QFlowStore

/// Who may read what: the one table the server consults for every route and every run.
///
/// Routes list the roles that may call them; a route not in ``routes`` cannot be registered (a programmer error).
/// Within a route, runs and subjects are filtered by ``canSee(_:subjectId:session:)``: a role sees the runs of
/// protocols it takes part in; supervising roles see every clinical, linen and audit run; survey answers are for the
/// quality roles only, and a staff survey (its respondents are colleagues) only for the quality office. A run the
/// role may not see answers 404, exactly like a run that does not exist, so that ids cannot be probed.
public enum Access {
    /// The OR roles that work on cases.
    public static let theatre: Set<String> = [
        "on_duty_nurse", "scrub_nurse", "circulating_nurse", "surgeon", "anesthetist",
    ]
    /// Roles that supervise every clinical, linen and audit run.
    public static let supervisors: Set<String> = [
        "head_nurse", "nursing_department", "infection_control", "quality_manager",
    ]
    /// Roles that read survey answers (patients' and, without identities outside the quality office, staff's).
    public static let quality: Set<String> = supervisors
    /// The quality office: the only role that sees a staff member's own survey answers.
    public static let qualityOffice: Set<String> = ["quality_manager"]
    /// The laundry.
    public static let laundry: Set<String> = ["linen_staff"]
    /// Account and protocol administration (no clinical reads).
    public static let administration: Set<String> = ["administrator"]
    /// Every role the sign-in form offers.
    public static let allRoles: [String] = [
        "on_duty_nurse", "scrub_nurse", "circulating_nurse", "surgeon", "anesthetist", "linen_staff", "head_nurse",
        "infection_control", "nursing_department", "quality_manager", "surveyor", "respondent", "administrator",
    ]

    /// Who may call a route.
    public enum Readers: Sendable, Hashable {
        /// Anyone, signed in or not.
        case anyone
        /// Any signed-in role (what they then see is filtered per run).
        case signedIn
        /// Only these roles.
        case roles(Set<String>)

        /// Whether a session in `role` (nil: not signed in) may call the route.
        public func admit(_ role: String?) -> Bool {
            switch self {
            case .anyone: true
            case .signedIn: role != nil
            case .roles(let allowed): role.map(allowed.contains) ?? false
            }
        }
    }

    /// One route and the roles that may call it.
    public struct Route: Sendable, Hashable {
        /// `GET`, `POST`, `DELETE`.
        public var method: String
        /// The route as registered, e.g. `/api/v1/runs/{id}`.
        public var path: String
        /// Who may call it.
        public var readers: Readers
        /// What it is for, for the README's table.
        public var purpose: String
    }

    static let clinicalReaders = theatre.union(supervisors)
    /// Who books surgical cases: the head nurse, the on-duty nurse and the administrator.
    public static let caseIntake: Set<String> = ["head_nurse", "on_duty_nurse", "administrator"]
    /// Who adds subjects of some kind (the kind decides, see ``canAdd(kind:role:)``).
    public static let intake: Set<String> = caseIntake.union(laundry).union(supervisors).union(["surveyor"])

    /// Whether a role may add subjects of a kind: cases by the OR's bookers, linen batches by the laundry, audits by
    /// the supervisors, survey respondents by the surveyor and the quality office; shifts by the OR's bookers.
    public static func canAdd(kind: String, role: String) -> Bool {
        switch kind {
        case "surgical-case", "shift": caseIntake.contains(role)
        case "linen-batch": laundry.contains(role) || role == "head_nurse" || role == "infection_control"
        case "audit": supervisors.contains(role)
        case "respondent": role == "surveyor" || qualityOffice.contains(role)
        default: role == "administrator"
        }
    }

    /// The kinds of subject a role may add, in the order the form offers them.
    public static func addableKinds(role: String) -> [String] {
        ["surgical-case", "linen-batch", "audit", "respondent", "shift"].filter { canAdd(kind: $0, role: role) }
    }

    /// Whether a role may start a run of `spec` from a subject's page: it takes part in the protocol (and is not
    /// the subject it is about), or it is the surveyor of a patient survey.
    public static func canStart(_ spec: ProtocolSpec, role: String) -> Bool {
        if spec.isSubjectRole(role) { return false }
        if spec.kind == .survey, !spec.roles.contains(where: { $0.isSubject == true }) {
            return role == "surveyor" || spec.participatingRoles.contains(role)
        }
        return spec.participatingRoles.contains(role)
    }

    /// The protocols (by id) whose runs a session sees, of those published.
    public static func visibleProtocols(_ specs: [ProtocolSpec], session: Session) -> Set<String> {
        Set(
            specs.filter { spec in
                if session.user.subject != nil { return spec.isSubjectRole(session.role) }
                return reads(spec, role: session.role)
            }.map(\.id))
    }

    /// A role's title (the roles every protocol shares; unknown roles show their id).
    public static func roleTitle(_ role: String) -> LocalizedText {
        roleTitles[role] ?? LocalizedText(zh: role, en: role)
    }

    static let roleTitles: [String: LocalizedText] = [
        "on_duty_nurse": LocalizedText(zh: "值班护士", en: "On-duty nurse"),
        "scrub_nurse": LocalizedText(zh: "洗手护士", en: "Scrub nurse"),
        "circulating_nurse": LocalizedText(zh: "巡回护士", en: "Circulating nurse"),
        "surgeon": LocalizedText(zh: "手术医生", en: "Surgeon"),
        "anesthetist": LocalizedText(zh: "麻醉医生", en: "Anaesthetist"),
        "linen_staff": LocalizedText(zh: "洗衣房人员", en: "Laundry staff"),
        "head_nurse": LocalizedText(zh: "护士长", en: "Head nurse"),
        "infection_control": LocalizedText(zh: "院感科", en: "Infection control"),
        "nursing_department": LocalizedText(zh: "护理部", en: "Nursing department"),
        "quality_manager": LocalizedText(zh: "质量管理", en: "Quality manager"),
        "surveyor": LocalizedText(zh: "调查员", en: "Surveyor"),
        "respondent": LocalizedText(zh: "受访者", en: "Respondent"),
        "administrator": LocalizedText(zh: "系统管理员", en: "Administrator"),
    ]
    static let linenReaders = laundry.union(supervisors)

    /// Every route of the server.
    public static let routes: [Route] = [
        Route(method: "GET", path: "/api/v1/openapi.json", readers: .anyone, purpose: "the API description"),
        Route(method: "POST", path: "/api/v1/sessions", readers: .anyone, purpose: "sign in"),
        Route(method: "DELETE", path: "/api/v1/sessions", readers: .signedIn, purpose: "sign out"),
        Route(method: "GET", path: "/api/v1/me", readers: .signedIn, purpose: "the signed-in user"),
        Route(method: "GET", path: "/api/v1/runs/{id}", readers: .signedIn, purpose: "a run the role may see"),
        Route(
            method: "POST", path: "/api/v1/runs/{id}/actions", readers: .signedIn,
            purpose: "a verb on a run the role may see (the engine checks item and verb roles)"),
        Route(
            method: "GET", path: "/api/v1/cases", readers: .signedIn,
            purpose: "subjects of kinds the role may see, paged (limit, cursor)"),
        Route(
            method: "POST", path: "/api/v1/cases", readers: .roles(intake),
            purpose: "add a subject (its bundle starts; the kind decides who may)"),
        Route(
            method: "POST", path: "/api/v1/cases/import", readers: .roles(caseIntake),
            purpose: "import the day's OR schedule (text/csv; all rows or none)"),
        Route(
            method: "POST", path: "/api/v1/runs", readers: .signedIn,
            purpose: "start a protocol the role takes part in on a subject"),
        Route(
            method: "POST", path: "/api/v1/sessions/unlock", readers: .signedIn, purpose: "unlock an idle workstation"),
        Route(
            method: "POST", path: "/api/v1/protocols", readers: .roles(administration),
            purpose: "publish a protocol"),
        Route(method: "GET", path: "/api/v1/compare", readers: .roles(quality), purpose: "compare cohorts"),
        Route(method: "GET", path: "/api/v1/reports/{file}", readers: .roles(quality), purpose: "a report workbook"),
        Route(method: "GET", path: "/api/v1/overdue", readers: .roles(clinicalReaders), purpose: "overdue items"),
        Route(
            method: "GET", path: "/api/v1/queue", readers: .signedIn,
            purpose: "work queues: the runs you own (mine=1) or those offered to a role (role=ROLE)"),
        Route(method: "GET", path: "/api/v1/users", readers: .roles(administration), purpose: "accounts"),
        Route(
            method: "POST", path: "/api/v1/users/{id}", readers: .roles(administration),
            purpose: "change an account (activate, deactivate, roles, password, revoke)"),
        Route(method: "GET", path: "/login", readers: .anyone, purpose: "the sign-in page"),
        Route(method: "POST", path: "/login", readers: .anyone, purpose: "sign in"),
        Route(method: "POST", path: "/logout", readers: .signedIn, purpose: "sign out"),
        Route(method: "GET", path: "/assets/app.css", readers: .anyone, purpose: "the style sheet"),
        Route(method: "GET", path: "/assets/app.js", readers: .anyone, purpose: "the idle lock's script"),
        Route(method: "POST", path: "/unlock", readers: .signedIn, purpose: "unlock an idle workstation (no script)"),
        Route(method: "GET", path: "/", readers: .signedIn, purpose: "today's runs of the role"),
        Route(method: "GET", path: "/runs/{id}", readers: .signedIn, purpose: "a run the role may see"),
        Route(method: "POST", path: "/runs/{id}/act", readers: .signedIn, purpose: "a verb on a run the role may see"),
        Route(method: "GET", path: "/cases/new", readers: .roles(intake), purpose: "the intake form and CSV upload"),
        Route(method: "POST", path: "/cases/new", readers: .roles(intake), purpose: "add one subject"),
        Route(
            method: "POST", path: "/cases/import", readers: .roles(caseIntake), purpose: "upload the day's schedule"),
        Route(
            method: "GET", path: "/cases/{id}", readers: .signedIn, purpose: "a subject and the runs the role may see"),
        Route(
            method: "POST", path: "/cases/{id}/start", readers: .signedIn,
            purpose: "start a protocol the role takes part in"),
        Route(method: "GET", path: "/board", readers: .roles(clinicalReaders), purpose: "the board per room"),
        Route(method: "GET", path: "/overdue", readers: .roles(clinicalReaders), purpose: "overdue items"),
        Route(
            method: "GET", path: "/work", readers: .signedIn,
            purpose: "my work (runs I own) and my role's queue (runs waiting to be claimed)"),
        Route(method: "GET", path: "/linen", readers: .roles(linenReaders), purpose: "linen batches"),
        Route(method: "GET", path: "/actions", readers: .roles(supervisors), purpose: "QC audits and actions"),
        Route(method: "GET", path: "/quality", readers: .roles(quality), purpose: "comparisons"),
        Route(method: "GET", path: "/quality/report", readers: .roles(quality), purpose: "a report workbook"),
        Route(method: "GET", path: "/admin/users", readers: .roles(administration), purpose: "accounts"),
        Route(
            method: "POST", path: "/admin/users", readers: .roles(administration),
            purpose: "add or change an account"),
    ]

    /// The table in Markdown, as the README shows it.
    public static var markdownTable: String {
        func names(_ readers: Readers) -> String {
            switch readers {
            case .anyone: "anyone"
            case .signedIn: "every signed-in role (runs filtered per role)"
            case .roles(let roles): roles.sorted().joined(separator: ", ")
            }
        }
        var lines = ["| method | route | who may call it | for |", "|---|---|---|---|"]
        for route in routes {
            lines.append("| \(route.method) | `\(route.path)` | \(names(route.readers)) | \(route.purpose) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The rule of a registered route.
    public static func route(_ method: String, _ path: String) -> Route? {
        routes.first { $0.method == method && $0.path == path }
    }

    /// Whether a session may see a run of `spec` on the subject `subjectId`.
    public static func canSee(_ spec: ProtocolSpec, subjectId: String, session: Session) -> Bool {
        // A respondent sees their own survey and nothing else.
        if let bound = session.user.subject { return spec.isSubjectRole(session.role) && subjectId == bound }
        return reads(spec, role: session.role)
    }

    /// Whether a session sees survey respondents by their ids (the quality office); others see pseudonyms or counts.
    public static func identifiesRespondents(_ session: Session) -> Bool {
        qualityOffice.contains(session.role)
    }

    /// Whether a session may list subjects of a kind, given the published protocols.
    public static func canList(kind: String, specs: [ProtocolSpec], session: Session) -> Bool {
        session.user.subject == nil && specs.contains { $0.subject == kind && reads($0, role: session.role) }
    }

    /// Whether a role (of a user not bound to a subject) reads the runs of `spec`.
    static func reads(_ spec: ProtocolSpec, role: String) -> Bool {
        if spec.kind == .survey {
            // A staff survey's respondents are colleagues: only the quality office sees their answers one by one.
            if spec.roles.contains(where: { $0.isSubject == true }) { return qualityOffice.contains(role) }
            return quality.contains(role) || spec.roles.contains { $0.id == role }
        }
        if supervisors.contains(role) { return true }
        return spec.participatingRoles.contains(role)
    }
}
