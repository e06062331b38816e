/// A group of items filled in 0…n times within one run: a count at each further cavity closed, each added package,
/// each relief handover, each wash load.
///
/// ```yaml
/// groups:
///   - id: cnt.cavity
///     title: { zh: 每关闭一个体腔清点, en: Count at each further cavity closed }
///     min: 0
///     max: 6
///     items:
///       - { id: cnt.cavity.sponges, title: …, type: count, critical: true,
///           pass_if: "cnt.cavity.sponges == cnt.base.sponges + sum_before(cnt.add.sponges, cnt.cavity.sponges)" }
/// ```
///
/// Instance `k` of template item `x` is the item `x#k` of the run (`cnt.cavity.sponges#2`): it is answered, returned
/// to, superseded, projected and exported like any item. An instance exists once one of its items has been
/// recorded, signed or skipped (a return that reopens all of it takes it away); the first `min` instances are
/// required like the phase's own items, and while fewer than `max` exist, one more is offered with nothing required,
/// so that recording its first item adds it. Rules of a template item read the other items of their own instance by
/// their template ids; rules elsewhere read a group through `sum`, `sum_before`, `count`, `all`, `any` and `latest`.
public struct GroupSpec: Sendable, Hashable, Codable {
    /// Group identifier, unique within the protocol (also the argument of `count(...)`).
    public var id: String
    /// Bilingual name of one instance ("count at a further cavity").
    public var title: LocalizedText
    /// The fewest instances a completed run has.
    public var min: Int
    /// The most instances a run may have.
    public var max: Int
    /// The items of one instance (templates), in order.
    public var items: [ItemSpec]

    /// The most instances any group may declare.
    public static let maximumInstances = 50

    /// Creates a group.
    public init(id: String, title: LocalizedText, min: Int = 0, max: Int, items: [ItemSpec]) {
        self.id = id
        self.title = title
        self.min = min
        self.max = max
        self.items = items
    }
}

/// An item id of a repeating group's instance, `template#k` (k from 1).
public struct InstanceId: Sendable, Hashable, CustomStringConvertible {
    /// The template item's id.
    public var template: String
    /// The instance number, from 1.
    public var index: Int

    /// Creates an instance id.
    public init(template: String, index: Int) {
        self.template = template
        self.index = index
    }

    /// Reads `template#k`; nil for an ordinary id.
    public init?(_ id: String) {
        guard let mark = id.lastIndex(of: "#"), let index = Int(id[id.index(after: mark)...]), index >= 1,
            String(index) == id[id.index(after: mark)...]
        else { return nil }
        template = String(id[..<mark])
        self.index = index
    }

    /// `template#k`.
    public var description: String { "\(template)#\(index)" }
}

extension ProtocolSpec {
    /// Every repeating group, in checklist order.
    public var groups: [GroupSpec] { phases.flatMap { $0.groups ?? [] } }

    /// The group a template item belongs to, with the template.
    public func group(ofTemplate id: String) -> (group: GroupSpec, item: ItemSpec)? {
        for group in groups {
            if let item = group.items.first(where: { $0.id == id }) { return (group, item) }
        }
        return nil
    }

    /// Every item id a run of this definition can answer, in checklist order: the ordinary items, then each
    /// repeating group's instances `x#1 … x#max` (the columns of a wide export).
    public var answerableItemIds: [String] {
        items.map(\.id)
            + groups.flatMap { group in
                (1...Swift.max(1, group.max)).flatMap { k in group.items.map { "\($0.id)#\(k)" } }
            }
    }

    /// An item by id: an ordinary item, or an instance `template#k` of a group template (k within the group's
    /// `max`), as the run would see it once that instance exists.
    public func resolvedItem(_ id: String) -> ItemSpec? {
        if let plain = items.first(where: { $0.id == id }) { return plain }
        guard let instance = InstanceId(id), let (group, template) = group(ofTemplate: instance.template),
            instance.index <= group.max
        else { return nil }
        return Self.instance(template, of: group, index: instance.index, optional: false)
    }

    /// The definition as a run with these instances sees it: each group replaced in its phase by its instances'
    /// items (`template#1…#n`), where n is the instances the run has (or the group's `min`, if more), plus one
    /// optional instance while n is below `max`. A protocol without groups is returned as it is.
    public func expanded(instances: (GroupSpec) -> Int) -> ProtocolSpec {
        guard phases.contains(where: { !($0.groups ?? []).isEmpty }) else { return self }
        var out = self
        out.phases = phases.map { phase in
            guard let groups = phase.groups, !groups.isEmpty else { return phase }
            var items = phase.items
            for group in groups {
                let present = Swift.min(Swift.max(instances(group), group.min), group.max)
                for k in Swift.stride(from: 1, through: present, by: 1) {
                    items += group.items.map { Self.instance($0, of: group, index: k, optional: false) }
                }
                if present < group.max {
                    items += group.items.map { Self.instance($0, of: group, index: present + 1, optional: true) }
                }
            }
            var expanded = phase
            expanded.items = items
            expanded.groups = nil
            return expanded
        }
        return out
    }

    /// Instance `k` of a template: its id and title numbered, its rules reading its own instance's items. An
    /// optional instance (the one offered beyond those that exist) requires nothing.
    static func instance(_ template: ItemSpec, of group: GroupSpec, index k: Int, optional: Bool) -> ItemSpec {
        let siblings = Set(group.items.map(\.id))
        func local(_ rule: RuleExpression?) -> RuleExpression? {
            rule?.renamingItems { siblings.contains($0) ? "\($0)#\(k)" : $0 }
        }
        var item = template
        item.id = "\(template.id)#\(k)"
        item.title = LocalizedText(zh: "\(template.title.zh)（第 \(k) 次）", en: "\(template.title.en) (#\(k))")
        item.showIf = local(template.showIf)
        item.requiredIf = optional ? nil : local(template.requiredIf)
        item.passIf = local(template.passIf)
        if optional { item.required = false }
        return item
    }
}
