/// The run verbs whose use a protocol grants to roles; answering and signing follow each item's roles instead.
public enum ControlVerb: String, Sendable, Hashable, Codable, CaseIterable {
    /// Go back to an earlier step.
    case `return`
    /// Go forward past open items.
    case jump
    /// Pause the run.
    case suspend
    /// Continue a paused run.
    case resume
    /// Terminate the run.
    case stop
    /// Start a new attempt of an ended run.
    case restart
    /// Move the run to another version of its protocol.
    case migrate
    /// Close the run.
    case complete
}

extension ProtocolSpec {
    /// The role that supervises every protocol unless its `permissions` say otherwise (the format's default).
    public static let defaultSupervisorRole = "head_nurse"

    /// The role that owns the protocol: the first role it lists.
    public var ownerRole: String? { roles.first?.id }

    /// The roles that may use `verb` on this protocol's runs: as declared, else the owner role and the supervisor.
    public func roles(allowedTo verb: ControlVerb) -> [String] {
        if let declared = permissions?[verb.rawValue] { return declared }
        var out = ownerRole.map { [$0] } ?? []
        if !out.contains(Self.defaultSupervisorRole) { out.append(Self.defaultSupervisorRole) }
        return out
    }

    /// Every role that takes part in a run: the declared roles and the roles granted a verb.
    public var participatingRoles: Set<String> {
        var out = Set(roles.map(\.id))
        for verb in ControlVerb.allCases { out.formUnion(roles(allowedTo: verb)) }
        return out
    }

    /// Whether a role stands for the run's subject itself (a survey respondent): it acts only on its own runs.
    public func isSubjectRole(_ role: String) -> Bool {
        roles.first { $0.id == role }?.isSubject == true
    }
}
