import Foundation
import GRDB
import QFlowEngine

/// Something to do to runs.
public enum RunAction: Sendable, Hashable {
    /// Start a protocol (the latest published version unless one is given) on a subject.
    case start(protocolId: String, version: Int? = nil, subjectId: String)
    /// Apply an engine verb (record, sign, return, jump, suspend, resume, stop, complete) to a run.
    case command(runId: String, RunCommand)
    /// Start a new attempt of a stopped or completed run, on the latest published version.
    case restart(runId: String)
    /// Move an open run to another published version (the latest when nil), renaming items per the map.
    case migrate(runId: String, toVersion: Int?, itemMap: [String: String])

    /// The verb, for messages.
    public var verb: String {
        switch self {
        case .start: "start"
        case .command(_, let command): command.verb
        case .restart: "restart"
        case .migrate: "migrate"
        }
    }
}

/// An action with who did it, when, why, and the run's sequence number the caller last saw.
public struct ActionRequest: Sendable, Hashable {
    /// What to do.
    public var action: RunAction
    /// Who does it, in which role, at which workstation.
    public var actor: Actor
    /// When it happened.
    public var at: Date
    /// Why (required by return, jump, suspend, resume, stop, restart and migrate).
    public var reason: String?
    /// The run's last sequence number as the caller saw it; a different one is refused as a conflict.
    public var expectedSeq: Int?

    /// Creates a request.
    public init(_ action: RunAction, by actor: Actor, at: Date, reason: String? = nil, expectedSeq: Int? = nil) {
        self.action = action
        self.actor = actor
        self.at = at
        self.reason = reason
        self.expectedSeq = expectedSeq
    }
}

/// What an action appended.
public struct ActionResult: Sendable, Hashable, Codable {
    /// The run acted on (for `start` and `restart`, the new run).
    public var runId: String
    /// The run's sequence number after the action.
    public var seq: Int
    /// The run's status after the action.
    public var status: RunStatus
    /// Every event appended, in order, including those of runs started by triggers.
    public var events: [StoredEvent]
    /// Runs started by triggers during the action.
    public var triggeredRuns: [String]
}

/// A command worked out by its caller against a committed state (`Actions.prepare`): the events, their canonical
/// payloads and the run's entry after them.
struct PreparedCommand {
    /// The committed state the command was worked out against.
    var base: Actions.Entry
    /// `CommittedRuns.generation` when it was worked out: a subject updated since makes it stale.
    var generation: Int
    var events: [RunEvent]
    var payloads: [String]
    /// The projection writes from `base` to `after`.
    var changes: RowChanges
    /// The run after the events, with its projection rows.
    var after: Actions.Entry
}

extension Actions.Entry {
    /// Applies `events` to the run's state and recomputes its projection rows, which follow from the definition,
    /// the state and the subject alone; returns the new rows.
    ///
    /// The writer (`Actions.commit`) and the callers (`Actions.prepare`) both go through here, so that rows worked
    /// out on either side are the same.
    @discardableResult
    mutating func advance(by events: some Sequence<RunEvent>, lastAt: Date) throws -> RunRows {
        for event in events { try state.apply(event) }
        let rows = RunRows(spec: spec, state: state, subject: facts, lastAt: lastAt)
        self.rows = rows
        return rows
    }
}

/// One action inside the writer's transaction: load, decide through the engine, append, project.
struct Actions {
    struct Entry {
        var spec: ProtocolSpec
        var specHash: String
        var state: RunState
        var rows: RunRows?
        var subject: Subject
        /// The subject's facts typed for `spec`.
        var facts: SubjectFacts
    }

    let db: Database
    let cache: WriterCache?

    /// The run's protocol version, subject and last sequence number as stored, or nil if there is no such run.
    private func stored(_ runId: String) throws
        -> (protocolId: String, version: Int, subjectId: String, lastSeq: Int)?
    {
        try db.cachedStatement(sql: "SELECT protocol_id, version, subject_id, last_seq FROM run WHERE id = ?")
            .first([.text(runId)]) {
                (
                    protocolId: SQLColumn.text($0, 0) ?? "", version: Int(SQLColumn.integer($0, 1)),
                    subjectId: SQLColumn.text($0, 2) ?? "", lastSeq: Int(SQLColumn.integer($0, 3))
                )
            }
    }

    /// The run's current state, from the cache when it is up to date, else folded from its events.
    func load(_ runId: String) throws -> Entry {
        guard let row = try stored(runId) else {
            throw StoreError(.notFound, "no run \(runId) (list runs with qflow run list)")
        }
        let lastSeq = row.lastSeq
        let published = try Registry.spec(row.protocolId, version: row.version, db, cache: cache)
        // A subject changes only through intake's update, which drops the cached entries of its runs: a cached
        // entry's subject and facts are valid.
        if let cached = cache?.run(runId), cached.state.eventCount == lastSeq,
            cached.spec.reference == published.spec.reference
        {
            return cached
        }
        let subjectId = row.subjectId
        guard let subject = try Registry.subject(subjectId, db) else {
            throw StoreError(.corrupt, "run \(runId) refers to a missing subject \(subjectId)")
        }
        let events = try EventLog.events(ofRun: runId, db)
        let state: RunState
        do {
            state = try RunState.fold(events)
        } catch {
            throw StoreError(.corrupt, "run \(runId): its history does not replay: \(error.message)")
        }
        let facts = try subject.facts(for: published.spec, db)
        let rows = RunRows(spec: published.spec, state: state, subject: facts, lastAt: events.last!.at)
        return Entry(
            spec: published.spec, specHash: published.contentHash, state: state, rows: rows, subject: subject,
            facts: facts)
    }

    /// Performs `request`; a command `prepared` by its caller is appended as prepared if the run has not moved since.
    func apply(_ request: ActionRequest, prepared: PreparedCommand? = nil) throws -> ActionResult {
        var head = try EventLog.head(db)
        var appended: [StoredEvent] = []
        var triggered: [String] = []
        let context = { (facts: SubjectFacts) in
            CommandContext(actor: request.actor, at: request.at, reason: request.reason, subject: facts)
        }
        func result(_ runId: String, _ entry: Entry) -> ActionResult {
            ActionResult(
                runId: runId, seq: entry.state.eventCount, status: entry.state.status, events: appended,
                triggeredRuns: triggered)
        }
        try checkActor(request.actor, reason: request.reason)

        switch request.action {
        case .start(let protocolId, let version, let subjectId):
            guard let subject = try Registry.subject(subjectId, db) else {
                throw StoreError(.notFound, "no subject \(subjectId) (add it with qflow case add)")
            }
            let published = try Registry.spec(protocolId, version: version, db, cache: cache)
            guard published.spec.subject == subject.kind else {
                throw StoreError(
                    .invalidInput,
                    "\(published.spec.reference) runs on \(published.spec.subject) subjects; \(subjectId) is "
                        + "a \(subject.kind)"
                )
            }
            let runId = try nextRunId()
            let events = try Engine.start(
                published.spec, runId: runId, subjectId: subjectId,
                context: context(try subject.facts(for: published.spec, db)),
                specHash: published.contentHash)
            let entry = try commit(
                events, to: nil, new: (published, subject), &head, &appended, &triggered, request: request)
            return result(runId, entry)

        case .command(let runId, let command):
            if let prepared, try isCurrent(prepared) {
                appended += try EventLog.append(
                    prepared.events, payloads: prepared.payloads, runId: runId, after: prepared.base.state.eventCount,
                    head: &head, db)
                try prepared.changes.write(db)
                cache?.stage(runId, prepared.after)
                return result(runId, prepared.after)
            }
            let entry = try load(runId)
            try checkSequence(entry, request)
            if case .reassign(let user) = command, let queue = entry.spec.queue {
                try checkAssignee(user, role: queue.offeredTo)
            }
            let events = try Engine.execute(
                command, spec: entry.spec, state: entry.state, context: context(entry.facts))
            let after = try commit(events, to: entry, new: nil, &head, &appended, &triggered, request: request)
            return result(runId, after)

        case .restart(let runId):
            let entry = try load(runId)
            try checkSequence(entry, request)
            let latest = try Registry.spec(entry.spec.id, version: nil, db, cache: cache)
            let newRunId = try nextRunId()
            let (old, new) = try Engine.restart(
                latest.spec, state: entry.state, newRunId: newRunId,
                context: context(try entry.subject.facts(for: latest.spec, db)))
            try commit(old, to: entry, new: nil, &head, &appended, &triggered, request: request)
            let after = try commit(
                new, to: nil, new: (latest, entry.subject), &head, &appended, &triggered, request: request)
            return result(newRunId, after)

        case .migrate(let runId, let toVersion, let itemMap):
            let entry = try load(runId)
            try checkSequence(entry, request)
            let target = try Registry.spec(entry.spec.id, version: toVersion, db, cache: cache)
            guard target.contentHash == target.spec.contentHash else {
                throw StoreError(
                    .corrupt, "\(target.spec.reference): stored content hash does not match its definition")
            }
            let events = try Engine.migrate(
                entry.state, from: entry.spec, to: target.spec, itemMap: itemMap,
                context: context(entry.facts))
            let after = try commit(
                events, to: entry, switchingTo: target, new: nil, &head, &appended, &triggered,
                request: request)
            return result(runId, after)
        }
    }

    private func checkActor(_ actor: Actor, reason: String?) throws {
        if let reason, reason.count > 1_000 {
            throw StoreError(.invalidInput, "a reason is at most 1,000 characters")
        }
        if let station = actor.workstation, station.count > 100 || station.contains(where: \.isNewline) {
            throw StoreError(.invalidInput, "the workstation name must be 1–100 characters on one line")
        }
        for (name, value) in [("user", actor.id), ("role", actor.role)] {
            guard !value.isEmpty, value.count <= 100, !value.contains(where: \.isNewline) else {
                throw StoreError(.invalidInput, "the acting \(name) must be 1–100 characters on one line")
            }
        }
    }

    /// Whether the run is still where `prepared` found it: same protocol version, same last event.
    private func isCurrent(_ prepared: PreparedCommand) throws -> Bool {
        let base = prepared.base
        if let cache, cache.committed.generation != prepared.generation { return false }
        guard let row = try stored(base.state.runId) else { return false }
        return row.protocolId == base.spec.id && row.version == base.spec.version
            && row.lastSeq == base.state.eventCount
    }

    /// Works a command out on the caller's thread, against the run's last committed state, so that the writer
    /// only checks the run has not moved and appends: the engine, the projection rows and the canonical payloads
    /// are computed outside the single writer, in parallel with it.
    ///
    /// Returns nil whenever the writer must decide itself: the run is not remembered, the caller's expected
    /// sequence number differs, the engine refuses the command (the writer refuses it again, with its message),
    /// or a trigger fires (it starts runs, which only the writer can number).
    static func prepare(_ request: ActionRequest, from committed: CommittedRuns) -> PreparedCommand? {
        let generation = committed.generation
        guard case .command(let runId, let command) = request.action, let base = committed[runId], base.rows != nil
        else { return nil }
        // The writer checks the person a run is reassigned to against the user table.
        if case .reassign = command { return nil }
        if let expected = request.expectedSeq, expected != base.state.eventCount { return nil }
        let context = CommandContext(actor: request.actor, at: request.at, reason: request.reason, subject: base.facts)
        guard let events = try? Engine.execute(command, spec: base.spec, state: base.state, context: context),
            let last = events.last,
            !events.contains(where: { if case .triggered = $0.change { true } else { false } })
        else { return nil }
        var after = base
        guard let rows = try? after.advance(by: events, lastAt: last.at) else { return nil }
        return PreparedCommand(
            base: base, generation: generation, events: events, payloads: events.map(\.canonicalJSON),
            changes: rows.changes(replacing: base.rows), after: after)
    }

    /// A run is reassigned only to an active user who holds the queue's role (the error does not repeat the id).
    private func checkAssignee(_ user: String, role: String) throws {
        let roles = try String.fetchOne(
            db.cachedStatement(sql: "SELECT roles FROM user WHERE id = ? AND active = 1"), arguments: [user])
        guard let roles, roles.split(separator: ",").contains(Substring(role)) else {
            throw StoreError(
                .invalidInput, "the user named in 'to' is not an active user holding role \(role)", item: "to")
        }
    }

    private func checkSequence(_ entry: Entry, _ request: ActionRequest) throws {
        guard let expected = request.expectedSeq, expected != entry.state.eventCount else { return }
        // Escalations the application recorded since the caller loaded the run are not someone else's change.
        if expected < entry.state.eventCount,
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT count(*) FROM event WHERE run_id = ? AND seq > ? AND kind != 'escalated'"),
                arguments: [entry.state.runId, expected]) == 0
        {
            return
        }
        throw StoreError(
            .conflict,
            "run \(entry.state.runId) changed since you loaded it (you saw event \(expected), it is now "
                + "at \(entry.state.eventCount)): reload; nothing was recorded"
        )
    }

    /// Records the ladder steps of `runId` due at `now` that were not reached before (``Engine/escalate``); returns
    /// the events appended (none when everything due is already recorded).
    func escalate(_ runId: String, at now: Date, by actor: Actor) throws -> [StoredEvent] {
        let entry = try load(runId)
        let events = Engine.escalate(spec: entry.spec, state: entry.state, subject: entry.facts, at: now, actor: actor)
        guard !events.isEmpty else { return [] }
        var head = try EventLog.head(db)
        var appended: [StoredEvent] = []
        var triggered: [String] = []
        try commit(
            events, to: entry, new: nil, &head, &appended, &triggered,
            // commit reads only the request's actor and time (for the runs triggers start; escalations start none).
            request: ActionRequest(.command(runId: runId, .claim), by: actor, at: now))
        return appended
    }

    private func nextRunId() throws -> String {
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(rowid) FROM run")) ?? 0
        var n = last + 1
        while try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE id = ?", arguments: [Self.runId(n)]) == true {
            n += 1
        }
        return Self.runId(n)
    }

    static func runId(_ n: Int64) -> String {
        let digits = String(n)
        return "R" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Appends a run's new events, updates its projections, and starts the runs its triggers name.
    @discardableResult
    private func commit(
        _ events: [RunEvent], to existing: Entry?, switchingTo target: PublishedSpec? = nil,
        new: (PublishedSpec, Subject)?,
        _ head: inout (id: Int64, hash: String), _ appended: inout [StoredEvent], _ triggered: inout [String],
        request: ActionRequest, depth: Int = 0
    ) throws -> Entry {
        var entry: Entry
        if let existing {
            entry = existing
        } else {
            let (published, subject) = new!
            entry = Entry(
                spec: published.spec, specHash: published.contentHash, state: try RunState(start: events[0]),
                rows: nil, subject: subject, facts: try subject.facts(for: published.spec, db))
        }
        let runId = entry.state.runId
        let seqBefore = existing?.state.eventCount ?? 0
        appended += try EventLog.append(events, runId: runId, after: seqBefore, head: &head, db)
        // An archive record is numbered as its first run starts (the same transaction; see ArchiveRegister).
        if existing == nil, entry.spec.subject == ArchiveRegister.subjectKind,
            let numbered = try ArchiveRegister.assign(
                subject: entry.subject, runId: runId, by: request.actor, at: request.at, head: &head, db
            ).event
        {
            appended.append(numbered)
        }
        if let target {
            entry.spec = target.spec
            entry.specHash = target.contentHash
            entry.facts = try entry.subject.facts(for: target.spec, db)
        }
        let storedRows = entry.rows
        try entry.advance(by: events.dropFirst(existing == nil ? 1 : 0), lastAt: events.last!.at)
            .write(db, replacing: storedRows)
        cache?.stage(runId, entry)

        for event in events {
            guard case .triggered(let trigger, let protocolId) = event.change else { continue }
            guard depth < 16 else {
                throw StoreError(.invalidInput, "triggers nest more than 16 deep from run \(runId)")
            }
            let published = try Registry.spec(protocolId, version: nil, db, cache: cache)
            let newRunId = try nextRunId()
            let context = CommandContext(
                actor: request.actor, at: request.at, reason: "triggered by \(runId) (\(trigger))",
                subject: try entry.subject.facts(for: published.spec, db))
            let started = try Engine.start(
                published.spec, runId: newRunId, subjectId: entry.state.subjectId, context: context,
                triggeredBy: RunEvent.Origin(run: runId, trigger: trigger), specHash: published.contentHash)
            triggered.append(newRunId)
            try commit(
                started, to: nil, new: (published, entry.subject), &head, &appended, &triggered, request: request,
                depth: depth + 1)
        }
        return entry
    }
}
