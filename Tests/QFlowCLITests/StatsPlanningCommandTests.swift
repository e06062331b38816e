import Foundation
import Testing

@Suite("qflow stats power and its")
struct StatsPlanningCommandTests {
    @Test func powerCommandsPrintPowerOrSampleSize() throws {
        let power = try QFlow.run(["stats", "power", "proportions", "--p1", "0.98283", "--p2", "0.94850", "--n", "233"])
        #expect(power.status == 0, "\(power.stderr)")
        #expect(power.stdout.contains("normal approximation (R power.prop.test)"))
        let size = try QFlow.run([
            "stats", "power", "proportions", "--p1", "0.98283", "--p2", "0.94850", "--power", "0.8", "--format", "json",
        ])
        #expect(size.stdout.contains("\"n1\": 441") || size.stdout.contains("\"n1\":441"), "\(size.stdout)")
        let welch = try QFlow.run(["stats", "power", "welch", "--delta", "1", "--sd", "1", "--n", "20"])
        #expect(welch.stdout.contains("power = 86.90%"), "\(welch.stdout)")
        let mcnemar = try QFlow.run(["stats", "power", "mcnemar", "--p01", "0.125", "--p10", "0.03125", "--n", "32"])
        #expect(mcnemar.stdout.contains("exact, exact binomial test"), "\(mcnemar.stdout)")
        let both = try QFlow.run([
            "stats", "power", "welch", "--delta", "1", "--sd", "1", "--n", "20", "--power", "0.8",
        ])
        #expect(both.status != 0 && both.stderr.contains("not both"))
        let bad = try QFlow.run(["stats", "power", "proportions", "--p1", "1.5", "--p2", "0.5", "--n", "10"])
        #expect(bad.status == 1 && bad.stderr.contains("p1 must be a probability"))
    }

    @Test func itsCommandFitsTheSegmentedRegressionAndRefusesOneMonth() throws {
        let totals = Array(repeating: "200", count: 12).joined(separator: ",")
        let its = try QFlow.run([
            "stats", "its", "--events", "171,168,175,170,166,172,186,188,185,190,189,192", "--totals", totals,
            "--intervention", "6",
        ])
        #expect(its.status == 0, "\(its.stderr)")
        #expect(its.stdout.contains("Level change") && its.stdout.contains("Newey–West"))
        let one = try QFlow.run(["stats", "its", "--events", "1", "--totals", "2", "--intervention", "0"])
        #expect(one.status == 1 && one.stderr.contains("at least 3 months before"))
    }
}
