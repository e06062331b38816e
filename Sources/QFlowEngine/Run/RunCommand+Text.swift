/// Why a verb, item and value given as text do not make a command: the field at fault and the engine's reason.
public struct RunCommandTextError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `verb`, `item` or `value`.
    public var field: String
    /// The reason, with its code and item.
    public var error: EngineError

    /// The reason's message.
    public var description: String { error.message }
}

extension RunCommand {
    /// The verbs a command can be written with, as the pages, the API and the CLI name them.
    public static let verbs = [
        "record", "sign", "return", "jump", "suspend", "resume", "stop", "complete", "deviate", "claim", "release",
        "reassign",
    ]

    /// Reads a command from text: a verb, the item it names and (for `record`) the answer as typed; `deviate`
    /// (complete with a documented deviation) takes the failed critical items as the value, comma-separated;
    /// `reassign` takes the new owner's staff id as the value (the API and the forms call that field `to`).
    ///
    /// The one parser from text to commands: the workstation's forms, the JSON API and `qflow run` all use it, so
    /// an answer means the same whichever way it was entered. Errors name the field and never echo the value.
    public init(verb: String, item: String?, value: String?, in spec: ProtocolSpec) throws(RunCommandTextError) {
        let item = item.flatMap { $0.isEmpty ? nil : $0 }
        func needItem(_ item: String? = item, field: String = "item") throws(RunCommandTextError) -> String {
            guard let item else {
                throw RunCommandTextError(field: field, error: EngineError(.unknownItem, "\(verb) needs an item"))
            }
            guard spec.resolvedItem(item) != nil else {
                throw RunCommandTextError(
                    field: field,
                    error: EngineError(
                        .unknownItem,
                        "\(spec.reference) has no item '\(item.prefix(80))'"
                            + RuleExpression.suggestion(item, spec.items.map(\.id)), item: item))
            }
            return item
        }
        switch verb {
        case "record":
            let id = try needItem()
            guard let value else {
                throw RunCommandTextError(
                    field: "value", error: EngineError(.invalidAnswer, "the answer to '\(id)' is missing", item: id))
            }
            let itemSpec = spec.resolvedItem(id)!
            do {
                self = .record(item: id, value: try itemSpec.parseAnswer(value))
            } catch {
                throw RunCommandTextError(field: "value", error: error)
            }
        case "sign": self = .sign(item: try needItem())
        case "return": self = .returnTo(item: item == nil ? nil : try needItem())
        case "jump": self = .jump(to: try needItem())
        case "suspend": self = .suspend
        case "resume": self = .resume
        case "stop": self = .stop
        case "complete": self = .complete
        case "claim": self = .claim
        case "release": self = .release
        case "reassign":
            guard let to = value?.trimmingCharacters(in: .whitespacesAndNewlines), !to.isEmpty else {
                throw RunCommandTextError(
                    field: "to",
                    error: EngineError(.invalidAnswer, "reassign needs the staff id of the new owner in 'to'"))
            }
            self = .reassign(to: to)
        case "deviate":
            let named = (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !named.isEmpty, named.count <= spec.itemCount else {
                throw RunCommandTextError(
                    field: "value",
                    error: EngineError(
                        .invalidDeviation, "a deviation names the failed critical items, comma-separated"))
            }
            var items: [String] = []
            for name in named { items.append(try needItem(name, field: "value")) }
            self = .completeWithDeviation(items: items)
        default:
            throw RunCommandTextError(
                field: "verb",
                error: EngineError(
                    .invalidState,
                    "the verb must be one of " + Self.verbs.joined(separator: ", ")
                        + RuleExpression.suggestion(String(verb.prefix(40)), Self.verbs)))
        }
    }
}
