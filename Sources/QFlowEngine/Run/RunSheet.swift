import Foundation

/// Facts about a run's subject (e.g. `scheduled_start`, `special_infection`), read by rules as `subject.NAME`.
public struct SubjectFacts: Sendable, Hashable {
    /// Values by field name.
    public var values: [String: Value]
    /// The zone in which `date` facts are read (the site's time zone): a day starts at 00:00 there, and deadlines
    /// measured from a day count calendar days there.
    public var timeZone: TimeZone

    /// Creates subject facts.
    public init(_ values: [String: Value] = [:], timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.values = values
        self.timeZone = timeZone
    }
}

/// Where an item stands in a run.
public enum ItemStatus: String, Sendable, Hashable, Codable {
    /// Its `show_if` rule does not hold: not shown, not required.
    case hidden
    /// Waiting for an answer (or for more signatures).
    case open
    /// Answered (or fully signed).
    case answered
    /// Answered "not applicable".
    case notApplicable = "not_applicable"
    /// Passed over by a jump.
    case skipped
}

/// Whether an answered item meets its rule.
public enum ItemOutcome: Sendable, Hashable {
    /// Meets its rule.
    case pass
    /// Does not: a non-conformance (a hard stop if the item is critical).
    case fail(String)
    /// Its `pass_if` cannot be decided yet because an input is missing.
    case undetermined
}

/// A run read against its protocol definition: item statuses, outcomes, the current phase, what blocks completion.
///
/// Rules read the current answers; a signature item reads as true once every signer has signed. A protocol's
/// repeating groups are read as the run's instances (``ProtocolSpec/expanded(instances:)``): ``spec`` lists
/// `template#k` items in the groups' place.
public struct RunSheet: RuleEnvironment, Sendable {
    /// The definition the run follows, with its repeating groups expanded into this run's instances.
    public let spec: ProtocolSpec
    /// The run.
    public private(set) var state: RunState
    /// The subject's facts.
    public let subject: SubjectFacts
    /// The definition as given, before its groups are expanded (``spec`` when it has none).
    let definition: ProtocolSpec
    /// Whether the definition has repeating groups: then ``spec`` depends on the run's instances.
    private let hasGroups: Bool
    /// The existing instances' item ids of each template (and of each group id, its first template's).
    private let instanceIds: [String: [String]]
    /// Where each item of ``spec`` sits: the definition's shared index, or, for a definition with groups, nil
    /// (the items are then found by a scan) unless the sheet tracks its progress.
    private let index: SheetIndex?
    /// Whether each item is open and required (or, if critical, fails), and each phase's open required items, kept
    /// up to date by ``apply(_:)`` on a sheet made with ``init(tracking:state:subject:)``; nil on a sheet that works
    /// everything out when asked.
    private(set) var progress: Progress?

    /// Reads `state` against `spec`; every question is worked out when asked.
    public init(spec: ProtocolSpec, state: RunState, subject: SubjectFacts = SubjectFacts()) {
        self.init(spec, state, subject, tracking: false)
    }

    /// Reads `state` against `spec` and keeps each item's status and each phase's open required items as events are
    /// applied with ``apply(_:)``: an answer re-reads only its item and the items whose rules read it, so that a
    /// command on a long run is checked without re-reading the whole sheet (what a caller that keeps the run in
    /// memory, from one answer to the next, wants).
    public init(tracking spec: ProtocolSpec, state: RunState, subject: SubjectFacts = SubjectFacts()) {
        self.init(spec, state, subject, tracking: true)
    }

    private init(_ definition: ProtocolSpec, _ state: RunState, _ subject: SubjectFacts, tracking: Bool) {
        self.state = state
        self.subject = subject
        self.definition = definition
        let groups = definition.groups
        hasGroups = !groups.isEmpty
        guard hasGroups else {
            spec = definition
            instanceIds = [:]
            let index = definition.sheetIndex
            self.index = index
            if tracking {
                self.state.reserveCapacity(answers: index.entries.count)
                progress = Progress(self, index)
            }
            return
        }
        let counts = Self.instanceCounts(groups, state)
        spec = definition.expanded { counts[$0.id] ?? 0 }
        var ids: [String: [String]] = [:]
        for group in groups {
            let present = min(max(counts[group.id] ?? 0, group.min), group.max)
            for template in group.items {
                ids[template.id] = (0..<present).map { "\(template.id)#\($0 + 1)" }
            }
            if let first = group.items.first { ids[group.id] = ids[first.id] }
        }
        instanceIds = ids
        guard tracking else {
            index = nil
            return
        }
        let index = spec.sheetIndex
        self.index = index
        progress = Progress(self, index)
    }

    /// Applies one of the run's events to the sheet (``RunState/apply(_:)``), re-reading what it changes.
    ///
    /// A migration moves the run to another definition: read it with a new sheet against that version.
    public mutating func apply(_ event: RunEvent) throws(EngineError) {
        if case .migrated(let migration) = event.change {
            throw EngineError(
                .invalidState,
                "run \(state.runId) moves to version \(migration.toVersion): read it with a sheet of that version")
        }
        try state.apply(event)
        if hasGroups {
            // An answer may add an instance, which changes the expanded definition itself.
            self = RunSheet(definition, state, subject, tracking: progress != nil)
            return
        }
        guard progress != nil, let index else { return }
        switch event.change {
        case .recorded(let item, _), .signed(let item, _):
            refresh(item, index)
        case .returned(_, let items), .jumped(_, let items):
            for item in items { refresh(item, index) }
        default:
            break  // statuses read answers, signatures and skips only
        }
    }

    /// Re-reads the item and every item whose rules read it.
    private mutating func refresh(_ id: String, _ index: SheetIndex) {
        guard let positions = index.affected[id] else { return }
        for position in positions {
            let reading = Progress.reading(index.entries[position].item, in: self)
            progress!.set(position, phase: index.ordered[position].phase, reading)
        }
    }

    /// How many instances of each group the run has: the highest instance with an item recorded, signed or
    /// skipped.
    static func instanceCounts(_ groups: [GroupSpec], _ state: RunState) -> [String: Int] {
        var groupOf: [String: String] = [:]
        for group in groups { for item in group.items { groupOf[item.id] = group.id } }
        var counts: [String: Int] = [:]
        for id in Set(state.answers.keys).union(state.skipped.keys).union(state.signatures.keys) {
            guard let instance = InstanceId(id), let group = groupOf[instance.template] else { continue }
            counts[group] = max(counts[group] ?? 0, instance.index)
        }
        return counts
    }

    // MARK: RuleEnvironment

    /// The item's current value for rules.
    public func value(ofItem id: String) -> Value? {
        if let answer = state.answers[id] { return answer.value.ruleValue }
        if let signers = signers(of: id) { return .bool(isFullySigned(id, signers)) }
        return nil
    }

    /// Whether the item has an answer other than n.a.
    public func isAnswered(_ id: String) -> Bool {
        if let answer = state.answers[id] { return answer.value != .notApplicable }
        if let signers = signers(of: id) { return isFullySigned(id, signers) }
        return false
    }

    /// Whether the item was answered n.a.
    public func isNotApplicable(_ id: String) -> Bool { state.answers[id]?.value == .notApplicable }

    /// A subject fact.
    public func subjectValue(_ field: String) -> Value? { subject.values[field] }

    /// The existing instances of a group template (or of a group's first template).
    public func instances(of template: String) -> [String] { instanceIds[template] ?? [] }

    /// Whether the answered item fails its rule; nil while it has no outcome (or is undetermined).
    public func hasFailed(_ id: String) -> Bool? {
        guard let item = item(id) else { return nil }
        switch outcome(of: item) {
        case .fail?: return true
        case .pass?: return false
        default: return nil
        }
    }

    /// When the item's answer (or its last signature) was recorded.
    public func answeredAt(_ id: String) -> Date? {
        state.answers[id]?.at ?? state.signatures[id]?.values.map(\.at).max()
    }

    // MARK: Items

    /// The definition of an item.
    public func item(_ id: String) -> ItemSpec? {
        slot(of: id).map(item(at:))
    }

    /// All items in order.
    public var orderedItems: [ItemSpec] { spec.items }

    /// Checklist position (0-based, across phases) and phase index of an item.
    public func location(of id: String) -> (phase: Int, position: Int)? {
        slot(of: id).map { ($0.phase, $0.position) }
    }

    /// The item at a slot of ``spec``.
    func item(at slot: SheetIndex.Slot) -> ItemSpec {
        if let index { return index.entries[slot.position].item }
        return spec.phases[slot.phase].items[slot.index]
    }

    /// Where an item sits in ``spec``.
    func slot(of id: String) -> SheetIndex.Slot? {
        if let index { return index.slots[id] }
        // A linear scan, for a definition with groups read once: it builds nothing. It reads `items[i]` in place:
        // `for item in items` would copy every ``ItemSpec`` it passes (a large struct, a retain per field).
        var position = 0
        for p in spec.phases.indices {
            let items = spec.phases[p].items
            for i in items.indices {
                if items[i].id == id { return SheetIndex.Slot(phase: p, index: i, position: position) }
                position += 1
            }
        }
        return nil
    }

    /// Whether the item is shown (no `show_if`, or it holds).
    public func isVisible(_ item: ItemSpec) -> Bool {
        guard let rule = item.showIf else { return true }
        return rule.holds(in: self) == true
    }

    /// Whether the item must be answered before its phase is done.
    public func isRequired(_ item: ItemSpec) -> Bool {
        guard isVisible(item) else { return false }
        if let rule = item.requiredIf { return rule.holds(in: self) == true }
        return item.required
    }

    /// The status of an item.
    public func status(of item: ItemSpec) -> ItemStatus {
        guard isVisible(item) else { return .hidden }
        // Most runs skip nothing: no hashing of the id for an empty map.
        if !state.skipped.isEmpty, state.skipped[item.id] != nil { return .skipped }
        if case .signature(let signers) = item.type { return isFullySigned(item.id, signers) ? .answered : .open }
        switch state.answers[item.id]?.value {
        case nil: return .open
        case .notApplicable?: return .notApplicable
        default: return .answered
        }
    }

    /// Whether the item has any answer, skip or signature (something a return would reopen).
    public func isTouched(_ id: String) -> Bool {
        state.answers[id] != nil || state.skipped[id] != nil || !(state.signatures[id]?.isEmpty ?? true)
    }

    /// The outcome of an answered item, or nil when it is not answered (open, hidden, skipped, n.a.).
    public func outcome(of item: ItemSpec) -> ItemOutcome? {
        guard status(of: item) == .answered else { return nil }
        if let rule = item.passIf {
            switch rule.holds(in: self) {
            case true?: return .pass
            case false?: return .fail("rule not met: \(rule.source)")
            case nil: return .undetermined
            }
        }
        if case .check(false)? = state.answers[item.id]?.value { return .fail("answered no") }
        return .pass
    }

    /// Whether a gate item lets the steps behind it go ahead: it is hidden, n.a., or answered and passing.
    public func isGateOpen(_ gate: ItemSpec) -> Bool {
        switch status(of: gate) {
        case .hidden, .notApplicable: return true
        case .open, .skipped: return false
        case .answered: return outcome(of: gate) == .pass
        }
    }

    /// The first gate, in checklist order, that is not open and holds `item` back (the item is in a later phase, or
    /// the gate names it in `gates`); nil when nothing holds it.
    public func closedGate(holding item: ItemSpec) -> ItemSpec? {
        guard let target = slot(of: item.id) else { return nil }
        return closedGate(holding: item, inPhase: target.phase)
    }

    /// ``closedGate(holding:)`` for an item of phase `target`.
    func closedGate(holding item: ItemSpec, inPhase target: Int) -> ItemSpec? {
        if let index {
            for slot in index.gates where slot.phase <= target {
                let gate = index.entries[slot.position].item
                guard gate.id != item.id, slot.phase < target || (gate.gates ?? []).contains(item.id) else {
                    continue
                }
                if !isGateOpen(gate) { return gate }
            }
            return nil
        }
        for p in 0...target {
            let items = spec.phases[p].items
            for i in items.indices where items[i].isGate && items[i].id != item.id {
                guard p < target || (items[i].gates ?? []).contains(item.id) else { continue }
                if !isGateOpen(items[i]) { return items[i] }
            }
        }
        return nil
    }

    /// Index of the phase being worked on: the first with an open required item (`spec.phases.count` when none).
    public var currentPhase: Int { firstPhaseWithOpenRequiredItem(before: spec.phases.count) }

    /// The first phase before `limit` that has an open required item, or `limit` when none has.
    func firstPhaseWithOpenRequiredItem(before limit: Int) -> Int {
        if let progress {
            return progress.openRequired[..<limit].firstIndex { $0 > 0 } ?? limit
        }
        for phase in 0..<limit {
            let items = spec.phases[phase].items
            for i in items.indices where status(of: items[i]) == .open && isRequired(items[i]) {
                return phase
            }
        }
        return limit
    }

    /// The critical items answered and failing their rule, in checklist order (what a deviation must name).
    public var failedCriticalItems: [ItemSpec] {
        var failed: [ItemSpec] = []
        for phase in spec.phases {
            for item in phase.items where item.critical {
                if case .fail? = outcome(of: item) { failed.append(item) }
            }
        }
        return failed
    }

    /// Everything that stands between the run and `complete`, as engine errors (empty when it can complete).
    public var completionBlockers: [EngineError] {
        if let progress, progress.unsettled == 0, !progress.openRequired.contains(where: { $0 > 0 }) { return [] }
        var blockers: [EngineError] = []
        for p in spec.phases.indices {
            for i in spec.phases[p].items.indices { appendBlockers(of: spec.phases[p].items[i], to: &blockers) }
        }
        return blockers
    }

    /// What one item adds to ``completionBlockers``.
    private func appendBlockers(of item: ItemSpec, to blockers: inout [EngineError]) {
        let status = status(of: item)
        if status == .open && isRequired(item) {
            let why =
                signers(of: item).map { signers in
                    let missing = signers.filter { state.signatures[item.id]?[$0] == nil }
                    return "'\(item.id)' still needs the signature of \(missing.joined(separator: ", "))"
                } ?? "required item '\(item.id)' is not answered"
            blockers.append(EngineError(.incomplete, why, item: item.id))
        }
        guard item.critical else { return }
        switch outcome(of: item) {
        case .fail(let why)?:
            blockers.append(
                EngineError(
                    .criticalFailure,
                    "critical item '\(item.id)' failed (\(why)): it must pass before the run can complete",
                    item: item.id))
        case .undetermined?:
            let inputs =
                item.passIf?.referencedItems.filter { !isAnswered($0) }.sorted().joined(separator: ", ") ?? ""
            blockers.append(
                EngineError(
                    .criticalFailure, "critical item '\(item.id)' cannot be checked yet: \(inputs) not answered",
                    item: item.id))
        default:
            break
        }
    }

    /// Items that have a deadline, are still open and were due before `now`.
    public func overdue(at now: Date) -> [OverdueItem] {
        guard state.status.isOpen else { return [] }
        var late: [OverdueItem] = []
        for phase in spec.phases {
            for item in phase.items where item.deadline != nil {
                guard let due = due(item), due < now, status(of: item) == .open else { continue }
                late.append(
                    OverdueItem(runId: state.runId, item: item.id, due: due, escalateTo: item.deadline?.escalateTo))
            }
        }
        return late
    }

    /// When the item is due, or nil when it has no deadline or the anchor is not known yet.
    public func due(_ item: ItemSpec) -> Date? {
        guard let deadline = item.deadline, let (anchor, calendar) = anchor(of: deadline) else { return nil }
        return deadline.offset.shift(anchor, before: deadline.before, calendar: calendar)
    }

    /// The moment a deadline is measured from, and the calendar its days are counted on when it is a day (a `date`
    /// fact: 00:00 of that day in the subject's zone, whole days counted on that zone's calendar).
    func anchor(of deadline: DeadlineSpec) -> (Date, Calendar?)? {
        switch deadline.anchor {
        case .subjectField(let field):
            switch subject.values[field] {
            case .time(let t)?: return (t, nil)
            case .date(let d)?: return (d.start(in: subject.timeZone), Calendar.gregorian(in: subject.timeZone))
            default: return nil
            }
        case .item(let id):
            guard let answer = state.answers[id] else { return nil }
            if case .time(let t) = answer.value { return (t, nil) }
            return (answer.at, nil)
        }
    }

    private func signers(of id: String) -> [String]? {
        item(id).flatMap(signers(of:))
    }

    private func signers(of item: ItemSpec) -> [String]? {
        if case .signature(let signers) = item.type { return signers }
        return nil
    }

    private func isFullySigned(_ id: String, _ signers: [String]) -> Bool {
        guard let signed = state.signatures[id] else { return false }
        return signers.allSatisfy { signed[$0] != nil }
    }
}

extension RunSheet {
    /// What a tracking sheet keeps up to date (``RunSheet/init(tracking:state:subject:)``): the answers to the
    /// questions a command asks of every item before it, so that it asks them of none.
    struct Progress: Sendable, Hashable {
        /// What one item reads as now.
        struct Reading: Sendable, Hashable {
            /// Open and required: it holds its phase (and completion) back.
            var openRequired: Bool
            /// A critical item whose outcome fails or cannot be decided: it blocks completion.
            var unsettled: Bool
        }

        /// Each item's reading, by checklist position.
        private(set) var items: [Reading]
        /// Each phase's open required items.
        private(set) var openRequired: [Int]
        /// The unsettled critical items.
        private(set) var unsettled = 0

        /// Reads every item of `sheet`.
        init(_ sheet: RunSheet, _ index: SheetIndex) {
            items = []
            items.reserveCapacity(index.entries.count)
            openRequired = Array(repeating: 0, count: sheet.spec.phases.count)
            for position in index.entries.indices {
                let reading = Self.reading(index.entries[position].item, in: sheet)
                items.append(reading)
                if reading.openRequired { openRequired[index.ordered[position].phase] += 1 }
                if reading.unsettled { unsettled += 1 }
            }
        }

        /// How `item` reads on `sheet`.
        static func reading(_ item: ItemSpec, in sheet: RunSheet) -> Reading {
            let status = sheet.status(of: item)
            var unsettled = false
            if item.critical, status == .answered {
                switch sheet.outcome(of: item) {
                case .fail?, .undetermined?: unsettled = true
                case .pass?, nil: break
                }
            }
            return Reading(openRequired: status == .open && sheet.isRequired(item), unsettled: unsettled)
        }

        /// Replaces the reading at `position`, in `phase`, and the counts it takes part in.
        mutating func set(_ position: Int, phase: Int, _ reading: Reading) {
            let old = items[position]
            guard old != reading else { return }
            openRequired[phase] += (reading.openRequired ? 1 : 0) - (old.openRequired ? 1 : 0)
            unsettled += (reading.unsettled ? 1 : 0) - (old.unsettled ? 1 : 0)
            items[position] = reading
        }
    }
}

/// An item past its deadline.
public struct OverdueItem: Sendable, Hashable {
    /// The run.
    public var runId: String
    /// The item.
    public var item: String
    /// When it was due.
    public var due: Date
    /// Who is told.
    public var escalateTo: String?
}

extension SubjectFacts {
    /// Parses typed subject facts from text (`true`/`false`, numbers, ISO-8601 times with a zone, text).
    ///
    /// Fields the protocol does not declare are refused, so that a typo cannot silently leave a rule without input.
    public static func parse(
        _ raw: [String: String], fields: [SubjectFieldSpec], timeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) throws(EngineError) -> SubjectFacts {
        var values: [String: Value] = [:]
        for (name, text) in raw.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.name == name }) else {
                let known = fields.map(\.name)
                throw EngineError(
                    .invalidAnswer,
                    "unknown subject field '\(name)'\(RuleExpression.suggestion(name, known))"
                        + (known.isEmpty ? " (this protocol reads no subject fields)" : ""))
            }
            values[name] = try field.parse(text)
        }
        return SubjectFacts(values, timeZone: timeZone)
    }
}

extension SubjectFieldSpec {
    /// Parses one value of this field from text.
    public func parse(_ raw: String) throws(EngineError) -> Value {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch type {
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "y", "1", "是": return .bool(true)
            case "false", "no", "n", "0", "否": return .bool(false)
            default:
                throw EngineError(.invalidAnswer, "subject field '\(name)' is true/false; the value given is neither")
            }
        case .number:
            guard let x = Double(text), x.isFinite, text.allSatisfy(\.isASCII) else {
                throw EngineError(.invalidAnswer, "subject field '\(name)' is a number; the value given is not one")
            }
            return .number(x)
        case .time:
            guard let d = Timestamp.parse(text) else {
                throw EngineError(
                    .invalidAnswer,
                    "subject field '\(name)' is a time: write ISO-8601 with a zone, e.g. 2026-03-01T08:30:00+08:00")
            }
            return .time(d)
        case .date:
            guard let d = CivilDate(parsing: text) else {
                throw EngineError(.invalidAnswer, "subject field '\(name)' is a day: write YYYY-MM-DD, e.g. 2027-03-31")
            }
            return .date(d)
        case .text:
            return .text(text)
        }
    }
}
