import Synchronization

/// What a definition's structure tells without a run: where each item sits, which items are gates, and which items'
/// rules read each item. Built once per definition (``ProtocolSpec`` keeps it beside its phases) and
/// shared by every sheet read against it.
final class SheetIndex: Sendable {
    /// Where an item sits: its phase, its index in that phase's items, its position across phases (0-based).
    struct Slot: Sendable, Hashable {
        let phase: Int
        let index: Int
        let position: Int
    }

    /// An item's definition behind a reference: reading it through one borrows it in place, where reading
    /// `phases[p].items[i]` copies the whole ``ItemSpec`` (a retain per field).
    final class Entry: Sendable {
        let item: ItemSpec
        init(_ item: ItemSpec) { self.item = item }
    }

    /// Every item's slot by id.
    let slots: [String: Slot]
    /// Every item's definition, in checklist order.
    let entries: [Entry]
    /// Every item's slot, in checklist order.
    let ordered: [Slot]
    /// The gate items, in checklist order.
    let gates: [Slot]
    /// For each item id, the positions of the items whose status, requirement or outcome may change when that item's
    /// answer, signatures or skip change: the item itself, then the items whose `show_if`, `required_if` or
    /// `pass_if` read it, directly or through another item (a `failed(x)` reads x's own rules), in checklist order.
    let affected: [String: [Int]]

    /// Indexes `phases`, whose items' ids are unique (a validated definition).
    init(_ phases: [PhaseSpec]) {
        var slots: [String: Slot] = [:]
        var ordered: [Slot] = []
        var entries: [Entry] = []
        var gates: [Slot] = []
        var readers: [String: [Int]] = [:]
        var ids: [String] = []
        for p in phases.indices {
            let items = phases[p].items
            for i in items.indices {
                let slot = Slot(phase: p, index: i, position: ordered.count)
                // A definition that repeats an id is refused by validation; the first one is the one found.
                if slots[items[i].id] == nil { slots[items[i].id] = slot }
                ordered.append(slot)
                entries.append(Entry(items[i]))
                ids.append(items[i].id)
                if items[i].isGate { gates.append(slot) }
                var read = Set<String>()
                for rule in [items[i].showIf, items[i].requiredIf, items[i].passIf] {
                    if let rule { read.formUnion(rule.referencedItems) }
                }
                for id in read { readers[id, default: []].append(slot.position) }
            }
        }
        // The closure of "is read by", from each item: what one answer can change.
        var affected: [String: [Int]] = [:]
        for (id, slot) in slots {
            var seen: Set<Int> = [slot.position]
            var queue = [id]
            while let next = queue.popLast() {
                for reader in readers[next] ?? [] where seen.insert(reader).inserted {
                    queue.append(ids[reader])
                }
            }
            affected[id] = seen.sorted()
        }
        self.slots = slots
        self.ordered = ordered
        self.entries = entries
        self.gates = gates
        self.affected = affected
    }
}

/// A definition's ``SheetIndex``, built on first use and shared by the definition's copies; a change to the
/// definition's phases replaces it (``ProtocolSpec/phases``). It takes no part in equality, hashing or coding.
struct SheetIndexCache: Sendable, Hashable {
    private final class Box: Sendable {
        let index = Mutex<SheetIndex?>(nil)
    }

    private let box = Box()

    /// The index of `phases` (the phases of the definition that holds this cache).
    func index(_ phases: [PhaseSpec]) -> SheetIndex {
        box.index.withLock { cached in
            if let cached { return cached }
            let built = SheetIndex(phases)
            cached = built
            return built
        }
    }

    static func == (_: SheetIndexCache, _: SheetIndexCache) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}

extension ProtocolSpec {
    /// The definition's item index (built once, then shared).
    var sheetIndex: SheetIndex { indexCache.index(phases) }
}
