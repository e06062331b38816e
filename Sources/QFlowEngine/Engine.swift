import Foundation

/// The process engine: pure transitions from (definition, state, command, context) to events or a typed error.
///
/// ```swift
/// var events = try Engine.start(spec, runId: "r1", subjectId: "case-1", context: ctx)
/// var state = try RunState.fold(events)
/// let more = try Engine.execute(
///     .record(item: "si.identity", value: .check(true)), spec: spec, state: state, context: ctx)
/// for event in more { try state.apply(event) }
/// ```
public enum Engine {
    /// Starts a run of `spec` on a subject; fires triggers whose condition already holds.
    ///
    /// Pass `specHash` when the caller already knows the definition's content hash (the store keeps it beside each
    /// published version); otherwise it is computed.
    public static func start(
        _ spec: ProtocolSpec, runId: String, subjectId: String, context: CommandContext,
        restarting previous: RunState? = nil,
        triggeredBy origin: RunEvent.Origin? = nil,
        specHash: String? = nil
    ) throws(EngineError) -> [RunEvent] {
        let start = RunEvent.Start(
            runId: runId, protocolId: spec.id, version: spec.version, specHash: specHash ?? spec.contentHash,
            subjectId: subjectId,
            attempt: (previous?.attempt ?? 0) + 1, previousRun: previous?.runId,
            triggeredBy: origin ?? previous?.triggeredBy)
        let first = RunEvent(at: context.at, actor: context.actor, reason: context.reason, change: .started(start))
        let state = try RunState(start: first)
        return [first] + triggers(spec, state, context.subject, context)
    }

    /// Applies a verb to a run and returns the events it appends.
    public static func execute(
        _ command: RunCommand, spec: ProtocolSpec, state: RunState, context: CommandContext
    ) throws(EngineError) -> [RunEvent] {
        try execute(command, on: RunSheet(spec: spec, state: state, subject: context.subject), context: context)
    }

    /// Applies a verb to the run a sheet reads and returns the events it appends; the same events and errors as
    /// ``execute(_:spec:state:context:)``, read from the sheet (and from what a tracking sheet keeps up to date).
    ///
    /// Rules read the sheet's subject facts; `context.subject` is not read.
    ///
    /// ```swift
    /// var sheet = RunSheet(tracking: spec, state: try RunState.fold(started))
    /// for event in try Engine.execute(.record(item: "si.identity", value: .check(true)), on: sheet, context: ctx) {
    ///     try sheet.apply(event)
    /// }
    /// ```
    public static func execute(
        _ command: RunCommand, on sheet: borrowing RunSheet, context: CommandContext
    ) throws(EngineError) -> [RunEvent] {
        // The sheet's definition and state are read in place (`sheet.state`): a copy is a retain per field.
        guard sheet.definition.id == sheet.state.protocolId, sheet.definition.version == sheet.state.version else {
            throw EngineError(
                .invalidState,
                "run \(sheet.state.runId) follows \(sheet.state.protocolId)@\(sheet.state.version), "
                    + "not \(sheet.definition.reference)")
        }
        try requireSubject(sheet.definition, subject: sheet.state.subjectId, context.actor)
        if let verb = command.controlVerb { try requireVerb(verb, sheet.definition, context.actor) }
        let reason = context.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if command.needsReason, reason?.isEmpty ?? true {
            throw EngineError(.reasonRequired, "\(command.verb) needs a reason")
        }
        func event(_ change: RunEvent.Change) -> RunEvent {
            RunEvent(
                at: context.at, actor: context.actor, reason: reason?.isEmpty == false ? reason : nil, change: change)
        }
        switch command {
        case .record(let id, let value):
            try requireActive(sheet.state.status, of: sheet.state.runId, command)
            let item = try reachable(id, sheet)
            try requireRole(item.roles, context.actor, item.id, "answer")
            try item.validate(value)
            return try withTriggers(event(.recorded(item: id, value: value)), sheet, context)

        case .sign(let id):
            try requireActive(sheet.state.status, of: sheet.state.runId, command)
            let item = try reachable(id, sheet, signing: true)
            guard case .signature(let signers) = item.type else {
                throw EngineError(
                    .notRecordable, "'\(id)' is a \(item.type.name) item, not a signature: use record", item: id)
            }
            try requireRole(signers, context.actor, id, "sign")
            if sheet.state.signatures[id]?[context.actor.role] != nil {
                throw EngineError(.invalidState, "'\(id)' is already signed by \(context.actor.role)", item: id)
            }
            // One person, one signature: a check signed by several roles needs as many people.
            if let (role, _) = sheet.state.signatures[id]?.first(where: { $0.value.actor.id == context.actor.id }) {
                throw EngineError(
                    .duplicateSigner,
                    "'\(id)' needs a different person for each role: \(context.actor.id) already signed it as \(role)",
                    item: id)
            }
            return try withTriggers(event(.signed(item: id, role: context.actor.role)), sheet, context)

        case .returnTo(let target):
            try requireOpen(sheet.state.status, of: sheet.state.runId, command)
            let items = sheet.orderedItems
            let start: Int
            if let target {
                guard let location = sheet.location(of: target) else { throw unknownItem(target, sheet.definition) }
                start = location.position
            } else {
                guard let last = items.lastIndex(where: { sheet.isTouched($0.id) }) else {
                    throw EngineError(.invalidTarget, "there is no previous step to return to")
                }
                start = last
            }
            let reopened = items[start...].map(\.id).filter { sheet.isTouched($0) }
            guard !reopened.isEmpty else {
                throw EngineError(
                    .invalidTarget,
                    "nothing has been recorded from '\(items[start].id)' onward: there is nothing to return to",
                    item: items[start].id)
            }
            return [event(.returned(to: items[start].id, reopened: reopened))]

        case .jump(let target):
            try requireActive(sheet.state.status, of: sheet.state.runId, command)
            guard let location = sheet.location(of: target) else { throw unknownItem(target, sheet.definition) }
            let before = sheet.orderedItems[..<location.position]
            guard let firstOpen = sheet.orderedItems.firstIndex(where: { sheet.status(of: $0) == .open }),
                firstOpen < location.position
            else {
                throw EngineError(
                    .invalidTarget,
                    "'\(target)' is not ahead of the open items: jump goes forward (use return to go back)",
                    item: target)
            }
            let passed = before.filter { sheet.status(of: $0) == .open }
            if let target = sheet.item(target), let gate = sheet.closedGate(holding: target) {
                throw gated(target.id, by: gate, sheet)
            }
            if let gate = passed.first(where: \.isGate) {
                throw EngineError(
                    .gated, "gate '\(gate.id)' cannot be skipped: it must be answered and pass first", item: gate.id)
            }
            if let critical = passed.first(where: \.critical) {
                throw EngineError(
                    .criticalFailure,
                    "critical item '\(critical.id)' cannot be skipped: answer it (or n.a. where allowed) first",
                    item: critical.id)
            }
            return [event(.jumped(to: target, skipped: passed.map(\.id)))]

        case .suspend:
            try requireActive(sheet.state.status, of: sheet.state.runId, command)
            return [event(.suspended)]

        case .resume:
            guard sheet.state.status == .suspended else {
                throw EngineError(
                    .invalidState, "run \(sheet.state.runId) is \(sheet.state.status.rawValue), not suspended")
            }
            return [event(.resumed)]

        case .stop:
            try requireOpen(sheet.state.status, of: sheet.state.runId, command)
            return [event(.stopped)]

        case .complete:
            try requireActive(sheet.state.status, of: sheet.state.runId, command)
            if let blocker = sheet.completionBlockers.first(where: { $0.code == .criticalFailure })
                ?? sheet.completionBlockers.first
            {
                throw blocker
            }
            return [event(.completed)]

        case .completeWithDeviation(let named):
            try requireActive(sheet.state.status, of: sheet.state.runId, command)
            guard let clause = sheet.definition.deviation else {
                throw EngineError(
                    .invalidDeviation,
                    "\(sheet.definition.reference) allows no deviation: a run with a failed critical item cannot be "
                        + "completed (stop it)"
                )
            }
            guard clause.signOff.contains(context.actor.role) else {
                throw EngineError(
                    .roleNotAllowed,
                    "role \(context.actor.role) may not sign off a deviation of \(sheet.definition.reference) "
                        + "(allowed: \(clause.signOff.joined(separator: ", ")))"
                )
            }
            let blockers = sheet.completionBlockers
            // A deviation documents failures; it never stands in for missing work or an undecidable rule.
            if let open = blockers.first(where: { $0.code != .criticalFailure }) { throw open }
            let failed = sheet.failedCriticalItems.map(\.id)
            if let undecided = blockers.first(where: { b in !failed.contains(b.item ?? "") }) { throw undecided }
            guard !failed.isEmpty else {
                throw EngineError(.invalidDeviation, "no critical item failed: complete the run without a deviation")
            }
            let listed = Set(named)
            if let extra = named.first(where: { !failed.contains($0) }) {
                throw EngineError(
                    .invalidDeviation,
                    "'\(extra)' is not a failed critical item of this run: a deviation names only those",
                    item: extra)
            }
            let missing = failed.filter { !listed.contains($0) }
            guard missing.isEmpty else {
                throw EngineError(
                    .invalidDeviation,
                    "the deviation must name every failed critical item; missing: \(missing.joined(separator: ", "))",
                    item: missing[0])
            }
            return [event(.deviated(items: failed)), event(.completed)]

        case .claim, .release, .reassign:
            try requireOpen(sheet.state.status, of: sheet.state.runId, command)
            return [event(try queueChange(command, spec: sheet.definition, state: sheet.state, actor: context.actor))]
        }
    }

    /// Starts a new attempt of a stopped or completed run; returns the event for the old run and the new run's events.
    public static func restart(
        _ spec: ProtocolSpec, state: RunState, newRunId: String, context: CommandContext
    ) throws(EngineError) -> (old: [RunEvent], new: [RunEvent]) {
        guard !state.status.isOpen else {
            throw EngineError(
                .invalidState, "run \(state.runId) is \(state.status.rawValue): stop it before restarting")
        }
        guard state.nextRun == nil else {
            throw EngineError(.invalidState, "run \(state.runId) was already restarted as \(state.nextRun!)")
        }
        try requireSubject(spec, subject: state.subjectId, context.actor)
        try requireVerb(.restart, spec, context.actor)
        guard !(context.reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true) else {
            throw EngineError(.reasonRequired, "restart needs a reason")
        }
        guard spec.id == state.protocolId else {
            throw EngineError(.invalidState, "run \(state.runId) follows \(state.protocolId), not \(spec.id)")
        }
        let old = RunEvent(
            at: context.at, actor: context.actor, reason: context.reason, change: .restarted(newRun: newRunId))
        let new = try start(spec, runId: newRunId, subjectId: state.subjectId, context: context, restarting: state)
        return ([old], new)
    }

    // The checks below take the run's status, id and subject rather than its whole state: handing `sheet.state` to
    // a function made the optimiser copy it (a retain per field) on every command.

    private static func requireActive(_ status: RunStatus, of runId: String, _ command: RunCommand)
        throws(EngineError)
    {
        switch status {
        case .active: return
        case .suspended:
            throw EngineError(.invalidState, "run \(runId) is suspended: resume it before \(command.verb)")
        case .stopped, .completed:
            throw EngineError(.invalidState, "run \(runId) is \(status.rawValue): \(command.verb) is not possible")
        }
    }

    private static func requireOpen(_ status: RunStatus, of runId: String, _ command: RunCommand)
        throws(EngineError)
    {
        guard status.isOpen else {
            throw EngineError(.invalidState, "run \(runId) is \(status.rawValue): \(command.verb) is not possible")
        }
    }

    /// The actor's role may use the verb on this protocol (see ``ProtocolSpec/roles(allowedTo:)``).
    static func requireVerb(_ verb: ControlVerb, _ spec: ProtocolSpec, _ actor: Actor) throws(EngineError) {
        let allowed = spec.roles(allowedTo: verb)
        guard allowed.contains(actor.role) else {
            throw EngineError(
                .roleNotAllowed,
                "role \(actor.role) may not \(verb.rawValue) runs of \(spec.reference) "
                    + "(allowed: \(allowed.joined(separator: ", ")))"
            )
        }
    }

    /// An actor bound to a subject acts only on that subject's runs, and a subject role needs such an actor.
    static func requireSubject(_ spec: ProtocolSpec, subject subjectId: String, _ actor: Actor) throws(EngineError) {
        if let bound = actor.subject, bound != subjectId {
            throw EngineError(.roleNotAllowed, "\(actor.id) may act only on the runs of their own subject")
        }
        if spec.isSubjectRole(actor.role), actor.subject != subjectId {
            throw EngineError(
                .roleNotAllowed, "role \(actor.role) stands for the subject: only the subject's own session may act")
        }
    }

    private static func requireRole(_ roles: [String], _ actor: Actor, _ item: String, _ verb: String)
        throws(EngineError)
    {
        guard roles.isEmpty || roles.contains(actor.role) else {
            throw EngineError(
                .roleNotAllowed,
                "role \(actor.role) may not \(verb) '\(item)' (allowed: \(roles.joined(separator: ", ")))", item: item)
        }
    }

    private static func unknownItem(_ id: String, _ spec: ProtocolSpec) -> EngineError {
        EngineError(
            .unknownItem, "\(spec.reference) has no item '\(id)'\(RuleExpression.suggestion(id, spec.items.map(\.id)))",
            item: id)
    }

    /// The item, if it exists, is shown and its phase has been reached.
    private static func reachable(_ id: String, _ sheet: RunSheet, signing: Bool = false) throws(EngineError)
        -> ItemSpec
    {
        guard let slot = sheet.slot(of: id) else { throw unknownItem(id, sheet.spec) }
        let item = sheet.item(at: slot)
        if case .signature = item.type, !signing {
            throw EngineError(.notRecordable, "'\(id)' is a signature: use sign", item: id)
        }
        guard sheet.isVisible(item) else {
            throw EngineError(
                .itemHidden, "'\(id)' does not apply here (its show_if rule does not hold: \(item.showIf!.source))",
                item: id)
        }
        if let gate = sheet.closedGate(holding: item, inPhase: slot.phase) { throw gated(id, by: gate, sheet) }
        let current = sheet.firstPhaseWithOpenRequiredItem(before: slot.phase)
        guard slot.phase <= current else {
            let phase = sheet.spec.phases[current]
            throw EngineError(
                .itemNotReached,
                "'\(id)' belongs to phase '\(sheet.spec.phases[slot.phase].id)'; finish phase '\(phase.id)' first "
                    + "(or jump)",
                item: id)
        }
        return item
    }

    /// The error for an item held back by a gate that is unanswered or failed; it names the gate.
    private static func gated(_ id: String, by gate: ItemSpec, _ sheet: RunSheet) -> EngineError {
        let why: String
        switch sheet.outcome(of: gate) {
        case .fail(let reason)?: why = "failed (\(reason))"
        case .undetermined?: why = "cannot be checked yet"
        default: why = sheet.status(of: gate) == .skipped ? "was skipped" : "is not answered"
        }
        return EngineError(
            .gated,
            "'\(id)' is held by gate '\(gate.id)', which \(why): the gate must pass first (or return to it and "
                + "correct it)",
            item: gate.id)
    }

    /// The event, then the `triggered` events of the triggers it makes hold.
    ///
    /// Out of line: the state's copy it needs, made in ``execute(_:on:context:)``, was made on every command.
    @inline(never)
    private static func withTriggers(_ event: RunEvent, _ sheet: borrowing RunSheet, _ context: CommandContext)
        throws(EngineError) -> [RunEvent]
    {
        guard !sheet.definition.triggers.isEmpty else { return [event] }
        var next = sheet.state
        try next.apply(event)
        return [event] + triggers(sheet.definition, next, sheet.subject, context)
    }

    /// `triggered` events for triggers whose condition holds now and that have not fired before.
    private static func triggers(
        _ spec: ProtocolSpec, _ state: RunState, _ subject: SubjectFacts, _ context: CommandContext
    ) -> [RunEvent] {
        guard !spec.triggers.isEmpty else { return [] }
        let sheet = RunSheet(spec: spec, state: state, subject: subject)
        return spec.triggers.compactMap { trigger in
            guard !state.firedTriggers.contains(trigger.id), trigger.when.holds(in: sheet) == true else { return nil }
            return RunEvent(
                at: context.at, actor: context.actor, reason: nil,
                change: .triggered(trigger: trigger.id, protocolId: trigger.protocolId))
        }
    }
}
