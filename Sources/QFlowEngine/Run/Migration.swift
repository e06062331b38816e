import Foundation

/// What a migration to a newer version would do: which answers carry over, which are dropped and why, what is new.
public struct MigrationPlan: Sendable, Hashable {
    /// Old item id → new item id.
    public var carried: [String: String]
    /// Old item ids whose answers are dropped, with the reason.
    public var dropped: [String: String]
    /// Items of the new version that receive nothing.
    public var added: [String]
}

extension Engine {
    /// Plans a migration of `state` from `old` to `new` (a dry run); `itemMap` renames items (old → new).
    public static func planMigration(
        _ state: RunState, from old: ProtocolSpec, to new: ProtocolSpec, itemMap: [String: String] = [:]
    ) throws(EngineError) -> MigrationPlan {
        guard old.id == new.id, old.id == state.protocolId, old.version == state.version else {
            throw EngineError(
                .invalidMigration,
                "run \(state.runId) follows \(state.protocolId)@\(state.version); cannot migrate "
                    + "from \(old.reference) to \(new.reference)"
            )
        }
        guard new.version > old.version else {
            throw EngineError(
                .invalidMigration,
                "migration goes to a newer version: \(new.reference) is not newer than \(old.reference)")
        }
        // Items by id; a repeating group's instances resolve through their template (`x#k`), and a template in
        // the item map renames all its instances.
        let oldItems = Dictionary(old.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newItems = Dictionary(new.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (from, to) in itemMap.sorted(by: { $0.key < $1.key }) {
            guard oldItems[from] != nil || old.group(ofTemplate: from) != nil else {
                throw EngineError(.unknownItem, "item map: \(old.reference) has no item '\(from)'", item: from)
            }
            guard newItems[to] != nil || new.group(ofTemplate: to) != nil else {
                throw EngineError(.unknownItem, "item map: \(new.reference) has no item '\(to)'", item: to)
            }
        }
        func target(_ id: String) -> String {
            if let mapped = itemMap[id] { return mapped }
            if let instance = InstanceId(id), let mapped = itemMap[instance.template] {
                return "\(mapped)#\(instance.index)"
            }
            return id
        }
        var plan = MigrationPlan(carried: [:], dropped: [:], added: [])
        // Items with a ladder step reached are carried too, so that a step never fires twice across versions.
        let escalated = state.firedSteps.compactMap { key -> String? in
            let item = key.prefix { $0 != "/" }
            return item.isEmpty ? nil : String(item)  // `/unclaimed`, `/stalled` are about the run, not an item
        }
        let touched = Set(state.answers.keys).union(state.skipped.keys).union(state.signatures.keys).union(escalated)
        for id in touched.sorted() {
            let target = target(id)
            guard let oldItem = oldItems[id] ?? old.resolvedItem(id),
                let newItem = newItems[target] ?? new.resolvedItem(target)
            else {
                plan.dropped[id] = "no item '\(target)' in \(new.reference)"
                continue
            }
            guard oldItem.type.name == newItem.type.name else {
                plan.dropped[id] = "type changed from \(oldItem.type.name) to \(newItem.type.name)"
                continue
            }
            if let answer = state.answers[id]?.value {
                do {
                    try newItem.validate(answer)
                } catch {
                    plan.dropped[id] = "answer no longer valid: \(error.message)"
                    continue
                }
            }
            if plan.carried.values.contains(target) {
                plan.dropped[id] = "another item already maps to '\(target)'"
                continue
            }
            plan.carried[id] = target
        }
        let receiving = Set(plan.carried.values)
        plan.added = new.items.map(\.id).filter { !receiving.contains($0) && oldItems[$0] == nil }
        return plan
    }

    /// Migrates an open run to a newer version of its protocol, carrying answers over per ``planMigration``.
    public static func migrate(
        _ state: RunState, from old: ProtocolSpec, to new: ProtocolSpec, itemMap: [String: String] = [:],
        context: CommandContext
    ) throws(EngineError) -> [RunEvent] {
        guard state.status.isOpen else {
            throw EngineError(.invalidState, "run \(state.runId) is \(state.status.rawValue): migrate is not possible")
        }
        try Engine.requireSubject(old, subject: state.subjectId, context.actor)
        try Engine.requireVerb(.migrate, old, context.actor)
        guard !(context.reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true) else {
            throw EngineError(.reasonRequired, "migrate needs a reason")
        }
        let plan = try planMigration(state, from: old, to: new, itemMap: itemMap)
        let migration = RunEvent.Migration(
            fromVersion: old.version, toVersion: new.version, toHash: new.contentHash, carried: plan.carried,
            dropped: plan.dropped.keys.sorted())
        return [RunEvent(at: context.at, actor: context.actor, reason: context.reason, change: .migrated(migration))]
    }
}
