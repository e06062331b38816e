import ArgumentParser
import QFlowEngine

/// `--lang zh|en`.
extension Language: ExpressibleByArgument {}

/// `--kind core|auxiliary|…` of `protocol import-bpmn`.
extension ProtocolKind: ExpressibleByArgument {}

/// `--status active|suspended|stopped|completed` of `run list`.
extension RunStatus: ExpressibleByArgument {
    /// Every status, in the order a run may reach them (for help and for the error naming the option).
    public static var allValueStrings: [String] {
        [RunStatus.active, .suspended, .stopped, .completed].map(\.rawValue)
    }
}
