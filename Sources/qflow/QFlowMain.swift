import QFlowCLI

/// The `qflow` executable: everything lives in QFlowCLI.
@main
enum QFlowMain {
    static func main() {
        QFlowCommand.main()
    }
}
