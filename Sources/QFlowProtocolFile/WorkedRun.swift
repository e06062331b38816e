import Foundation
import QFlowEngine
import Yams

/// A worked run of one protocol (`Protocols/examples/ID.run.yaml`): a complete, compliant run, a failing variant
/// per critical item and a variant per trigger. Tests replay them; the demo answers its cases from them.
///
/// ```yaml
/// protocol: surgical_counts
/// subject: { scheduled_start: "2026-03-02T08:00:00+08:00" }
/// start: "2026-03-02T07:00:00+08:00"      # each step is one minute after the previous unless it says `at`
/// steps:                                   # a complete, compliant run
///   - { record: cnt.baseline, value: "10", role: circulating_nurse }
///   - { sign: cnt.sign, role: scrub_nurse }
/// failures:                                # one entry per critical item
///   cnt.skin: { steps: [{ record: cnt.skin, value: "9", role: circulating_nurse }] }
///   cnt.sign: { omit: [cnt.sign] }
/// triggers:                                # one entry per trigger
///   discrepancy: { steps: [{ record: cnt.skin, value: "9", role: circulating_nurse }] }
/// deviations:                              # runs closed with a documented deviation (protocols with `deviation`)
///   late_antibiotic:
///     steps: [{ record: cn.to.abx_time, value: "2026-03-03T07:15:00+08:00", role: anesthetist }]
///     items: [cn.to.abx_time]              # the failed critical items signed off
///     role: head_nurse                     # a `deviation.sign_off` role
///     reason: Emergency case; antibiotic given on the ward before transfer
/// ```
///
/// A variant's `steps` replace the compliant steps for the same item (and role, for signatures) in place, or are
/// added at the end; `omit` removes every step of the listed items; `subject` overrides subject facts.
///
/// A protocol with a work queue or escalation ladders (the `Examples/` folder) also has queue steps and the
/// escalations the run must reach when a clock is driven through it (`qflow escalate` every `every`, from the start
/// to `until`), in order:
///
/// ```yaml
/// steps:
///   - { queue: claim, role: agent, user: agent_wang, at: "2026-12-22T09:00:00+08:00" }
///   - { queue: reassign, to: agent_li, reason: On leave, role: supervisor }
/// escalations:
///   every: PT6H
///   until: "2027-04-02T00:00:00+08:00"
///   expect:
///     - { step: ir.outcome/1, due: "2026-12-31T00:00:00+08:00", owner: agent_wang }
/// scenarios:                               # further runs in full, each with its own expected escalations
///   lost_after_reassignment: { steps: [...], escalations: {...}, completes: true }
/// ```
public struct WorkedRun: Decodable, Sendable {
    /// One answer or signature.
    public struct Step: Decodable, Sendable {
        /// The item answered, for a record step.
        public var record: String?
        /// The item signed, for a sign step.
        public var sign: String?
        /// The raw answer of a record step.
        public var value: String?
        /// The role acting.
        public var role: String
        /// When, if not one minute after the previous step.
        public var at: String?
        /// A queue verb: `claim`, `release` or `reassign`.
        public var queue: String?
        /// The person a `reassign` step gives the run to.
        public var to: String?
        /// Why (a `reassign` step needs one).
        public var reason: String?
        /// The acting person's id (default `staff-ROLE`).
        public var user: String?

        /// The item the step is about (`queue:VERB` for a queue step).
        public var item: String { record ?? sign ?? queue.map { "queue:\($0)" } ?? "" }

        /// Whether this step stands in for `other` in a variant.
        public func replaces(_ other: Step) -> Bool {
            item == other.item && (sign == nil || role == other.role)
        }
    }

    /// A change to the compliant run.
    public struct Variant: Decodable, Sendable {
        /// Steps that replace or extend the compliant ones.
        public var steps: [Step]?
        /// Items whose steps are removed.
        public var omit: [String]?
        /// Subject facts overridden.
        public var subject: [String: String]?
    }

    /// A run closed with a documented deviation: a variant that fails critical items, and its sign-off.
    public struct DeviationCase: Decodable, Sendable {
        /// Steps that replace or extend the compliant ones.
        public var steps: [Step]?
        /// Items whose steps are removed.
        public var omit: [String]?
        /// Subject facts overridden.
        public var subject: [String: String]?
        /// The failed critical items signed off.
        public var items: [String]
        /// The role that signs off (one of the protocol's `deviation.sign_off`).
        public var role: String
        /// Why the run is completed despite the failures.
        public var reason: String

        /// The variant part.
        public var variant: Variant { Variant(steps: steps, omit: omit, subject: subject) }
    }

    /// The escalations a run reaches when `qflow escalate` runs every `every` from its start to `until`.
    public struct Escalations: Decodable, Sendable {
        /// How often escalate runs (ISO-8601, default `PT6H`).
        public var every: String?
        /// Until when (ISO-8601 with a zone).
        public var until: String
        /// The steps reached, in order.
        public var expect: [ExpectedStep]
    }

    /// One escalation step reached.
    public struct ExpectedStep: Decodable, Sendable {
        /// `ITEM/STEP` (`/unclaimed` for the queue).
        public var step: String
        /// When it was due (ISO-8601 with a zone).
        public var due: String
        /// The run's owner then (omit: none).
        public var owner: String?
    }

    /// A further run of the protocol, written out in full (its steps in time order, from the same start): the
    /// escalations it reaches and whether it can be completed at the end.
    public struct Scenario: Decodable, Sendable {
        /// The run's steps.
        public var steps: [Step]
        /// Subject facts overridden.
        public var subject: [String: String]?
        /// The escalations reached.
        public var escalations: Escalations?
        /// Whether the run can be completed at the end (default true).
        public var completes: Bool?
    }

    /// The protocol id.
    public var `protocol`: String
    /// Subject facts, as text.
    public var subject: [String: String]?
    /// When the run starts.
    public var start: String
    /// The compliant run.
    public var steps: [Step]
    /// One variant per critical item, failing it.
    public var failures: [String: Variant]?
    /// One variant per trigger, firing it.
    public var triggers: [String: Variant]?
    /// Runs closed with a documented deviation, by name.
    public var deviations: [String: DeviationCase]?
    /// The escalations the compliant run reaches.
    public var escalations: Escalations?
    /// Further runs, by name.
    public var scenarios: [String: Scenario]?

    /// The steps and subject facts of a variant.
    public func applying(_ variant: Variant) -> (steps: [Step], subject: [String: String]) {
        var result = steps.filter { !(variant.omit ?? []).contains($0.item) }
        for step in variant.steps ?? [] {
            if let index = result.firstIndex(where: step.replaces) {
                result[index] = step
            } else {
                result.append(step)
            }
        }
        return (result, (subject ?? [:]).merging(variant.subject ?? [:]) { $1 })
    }

    /// Reads a worked run file.
    public static func load(path: String) throws -> WorkedRun {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try YAMLDecoder().decode(WorkedRun.self, from: text)
    }

    /// The worked runs in a folder (`*.run.yaml`), by protocol id.
    public static func loadAll(in folder: String) throws -> [String: WorkedRun] {
        var runs: [String: WorkedRun] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        where name.hasSuffix(".run.yaml") {
            let run = try load(path: folder + "/" + name)
            runs[run.protocol] = run
        }
        return runs
    }
}
