import Foundation

/// `make bench`: QualityFlow beside the peers in `../shared/bench`, measured in the same invocation.
@main
enum QFlowBench {
    static func main() throws {
        var instances = 1000
        var calls = 10_000
        var only: String?
        var answers = 3000
        var writers = 50
        var rounds = 3
        var scaleCases = 180_000
        var xlsxRows = 200_000
        var workstationSizes = [3_600, 36_000, 180_000]
        var workstationRequests = 300
        var slowDiskChild = false
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--instances": instances = Int(arguments.next() ?? "") ?? instances
            case "--calls": calls = Int(arguments.next() ?? "") ?? calls
            case "--only": only = arguments.next()
            case "--answers": answers = Int(arguments.next() ?? "") ?? answers
            case "--writers": writers = Int(arguments.next() ?? "") ?? writers
            case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
            case "--scale-cases": scaleCases = Int(arguments.next() ?? "") ?? scaleCases
            case "--xlsx-child":
                let path = arguments.next() ?? ""
                try XLSXBench.child(path: path, rows: Int(arguments.next() ?? "") ?? 200_000)
                return
            case "--slow-disk-child":
                slowDiskChild = true
            case "--xlsx-rows": xlsxRows = Int(arguments.next() ?? "") ?? xlsxRows
            case "--workstation-sizes":
                workstationSizes = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--workstation-requests": workstationRequests = Int(arguments.next() ?? "") ?? workstationRequests
            case "--scale-build":
                let path = arguments.next() ?? ""
                let cases = Int(arguments.next() ?? "") ?? scaleCases
                try ScaleBench.build(path: path, cases: cases, perDay: arguments.next().flatMap { Int($0) })
                return
            default:
                print(
                    "usage: qflow-bench [--instances N] [--calls N] [--answers N] [--writers N] "
                        + "[--rounds N] [--scale-cases N] [--xlsx-rows N] "
                        + "[--workstation-sizes N,N,N] [--workstation-requests N] "
                        + "[--only engine|stats|store|slow-disk|scale|xlsx|report|serve|workstation]"
                )
                exit(2)
            }
        }
        if slowDiskChild {
            try SlowDiskBench.child(answers: answers, writers: writers, rounds: rounds)
            return
        }
        if only == nil || only == "engine" { try engine(instances: instances, rounds: rounds) }
        if only == nil || only == "stats" { runStatsBenchmark(calls: calls) }
        if only == nil || only == "store" { try StoreBench.run(answers: answers, writers: writers, rounds: rounds) }
        if only == nil || only == "store" || only == "slow-disk" {
            SlowDiskBench.run(answers: answers, writers: writers, rounds: rounds)
        }
        if only == nil || only == "xlsx" { try XLSXBench.run(rows: xlsxRows, rounds: rounds) }
        if only == nil || only == "report" { try ReportBench.run() }
        if only == nil || only == "serve" { try runServeBenchmark(workstations: 50, answersEach: 200) }
        if only == nil || only == "scale" { try ScaleBench.run(cases: scaleCases) }
        if only == nil || only == "workstation" {
            try runWorkstationBenchmark(sizes: workstationSizes, requests: workstationRequests)
        }
    }

    static func engine(instances: Int, rounds: Int) throws {
        print(
            "== engine: 30-item checklist with one exclusive 3-item branch, in memory: qflow \(instances * 20) runs, "
                + "median of \(max(rounds, 3)) rounds around the peer's \(instances)")
        _ = try EngineBench.run(instances: max(1, instances / 10))  // warm-up
        // Rounds before and after the peer, so that a slow minute of this shared machine hits both alike; each of
        // ours runs 20 times the peer's instances, so that it lasts about a second, not a scheduler's time slice.
        let rounds = max(rounds, 3)
        let ourInstances = instances * 20
        var ours = [try EngineBench.run(instances: ourInstances)]
        func finish() throws {
            while ours.count < rounds { ours.append(try EngineBench.run(instances: ourInstances)) }
        }
        let answers = ours[0].answers
        func report() -> Double {
            let median = StoreBench.median(ours.map(\.usPerAnswer))
            let each = ours.map { String(format: "%.2f", $0.usPerAnswer) }.joined(separator: ", ")
            print(
                String(
                    format: "  qflow engine      %9.2f µs per recorded answer (%d answers a round; ", median, answers)
                    + "rounds: \(each))")
            return median
        }
        guard Peers.sharedBench != nil,
            let output = runPeer(
                [Peers.benchDirectory + "/bench_spiff.py", "plain", "--instances", String(instances)], python: true)
        else {
            try finish()
            _ = report()
            if Peers.sharedBench == nil { print("  SpiffWorkflow peer skipped: ../shared/bench not found") }
            return
        }
        try finish()
        let median = report()
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let spiff = json["us_per_user_task"] as? Double
        else {
            print("  SpiffWorkflow peer printed no figures")
            return
        }
        print(String(format: "  SpiffWorkflow     %9.2f µs per user task (plain, in memory, same invocation)", spiff))
        print(String(format: "  ratio             %9.1f× faster (target ≥ 200×)", spiff / median))
    }
}

/// Runs the async server benchmark from the synchronous entry point.
func runServeBenchmark(workstations: Int, answersEach: Int) throws {
    let done = DispatchSemaphore(value: 0)
    let failures = ErrorLog()
    Task {
        do {
            try await ServeBench.run(workstations: workstations, answersEach: answersEach)
        } catch {
            failures.add("\(error)")
        }
        done.signal()
    }
    done.wait()
    if let error = failures.first { throw CLIBenchError(message: "serve bench: \(error)") }
}
