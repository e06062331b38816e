import Foundation
import Testing

@testable import QFlowStats

/// Runs the contract and decodes its output with Foundation's parser.
private func results(_ json: String) throws -> [[String: Any]] {
    let decoded = try JSONSerialization.jsonObject(with: try StatsContract.run(Data(json.utf8)))
    return try #require(decoded as? [[String: Any]])
}

// The same R references as PowerTests, EffectSizeTests and TimeSeriesTests, through the JSON contract.
@Suite("Power, effect sizes and time series in the JSON contract")
struct PlanningContractTests {
    @Test func powerRequestsAnswerPowerOrSampleSize() throws {
        let r = try results(
            """
            [
              {"id": 1, "test": "power_proportions", "p1": 0.98283261802575106, "p2": 0.94849785407725318, "n": 233},
              {"id": 2, "test": "power_proportions", "p1": 0.98283261802575106, "p2": 0.94849785407725318,
               "power": 0.8},
              {"id": 3, "test": "power_mcnemar", "p01": 0.15, "p10": 0.05, "n": 200},
              {"id": 4, "test": "power_welch", "delta": 5, "sd1": 8, "sd2": 12, "n1": 30, "n2": 45},
              {"id": 5, "test": "power_welch", "delta": 1, "sd": 1, "power": 0.8},
              {"id": 6, "test": "power_welch", "delta": 1, "sd": 1, "n": 20, "power": 0.8},
              {"id": 7, "test": "power_mcnemar", "p01": 0.15, "p10": 0.05}
            ]
            """)
        expectClose(r[0]["power"] as? Double, 0.5301384317501916, "power")
        expectClose(r[0]["power_exact"] as? Double, 0.5484006978624496, "exact power")
        #expect(r[0]["n_required"] is NSNull)
        expectClose(r[1]["n_required"] as? Double, 440.31870723173017, "n", relative: 1e-6)
        #expect(r[1]["n1"] as? Int == 441)
        expectClose(r[2]["power_exact"] as? Double, 0.8753004831125929, "McNemar exact")
        expectClose(r[3]["power"] as? Double, 0.57007301889198669, "Welch")
        expectClose(r[4]["n_required"] as? Double, 16.714759831157942, "Welch n", relative: 1e-6)
        #expect((r[5]["error"] as? String)?.contains("not both") == true)
        #expect((r[6]["error"] as? String)?.contains("\"n\"") == true)
    }

    @Test func everyTestCarriesItsEffectSizes() throws {
        let r = try results(
            """
            [
              {"test": "proportions", "a": [229, 233], "b": [221, 233]},
              {"test": "mcnemar", "b": 4, "c": 1, "n": 32},
              {"test": "mann_whitney", "a": [1, 2, 3, 4, 5], "b": [2, 4, 6, 8, 10, 12]},
              {"test": "mcnemar", "b": 4, "c": 1, "n": 3}
            ]
            """)
        expectClose(r[0]["relative_risk"] as? Double, 1.0361990950226245, "RR")
        expectClose(r[0]["exact_or_ci_high"] as? Double, 13.395068524622435, "exact OR high", relative: 1e-6)
        expectClose(r[0]["observed_power"] as? Double, 0.5301384317501916, "observed power")
        expectClose(r[1]["or_ci_high"] as? Double, 196.98987298932116, "McNemar OR high")
        expectClose(r[1]["observed_power_exact"] as? Double, 0.096730612146808434, "McNemar observed exact power")
        expectClose(r[2]["hodges_lehmann"] as? Double, -4, "HL")
        expectClose(r[2]["hl_ci_low"] as? Double, -8.9999999999999893, "HL low")
        #expect((r[3]["error"] as? String)?.contains("cannot be smaller") == true)
    }

    @Test func itsAndLaneyArriveThroughTheContract() throws {
        let events = TimeSeriesTests.events1.map(String.init).joined(separator: ",")
        let totals = Array(repeating: "200", count: 24).joined(separator: ",")
        let large = LaneyAnhojTests.large.map(String.init).joined(separator: ",")
        let largeTotals = Array(repeating: "15000", count: 12).joined(separator: ",")
        let r = try results(
            """
            [
              {"test": "its", "events": [\(events)], "totals": [\(totals)], "intervention": 12},
              {"test": "pchart", "events": [\(large)], "totals": [\(largeTotals)]},
              {"test": "its", "events": [1], "totals": [2], "intervention": 0}
            ]
            """)
        #expect(r[0]["scale"] as? String == "identity")
        expectClose(r[0]["level_change"] as? Double, 0.076660839160839378, "level change")
        expectClose(r[0]["slope_change_ci_high"] as? Double, 0.005340036130011638, "slope change high")
        expectClose(r[0]["bg_p"] as? Double, 0.011037559482115194, "BG p")
        #expect(r[0]["nw_lag"] as? Int == 2)
        #expect(r[1]["chart"] as? String == "laney")
        expectClose(r[1]["sigma_z"] as? Double, 2.9436413361108285, "σz")
        #expect(r[1]["laney_out_of_control"] as? [Int] == [])
        #expect((r[2]["error"] as? String)?.contains("at least 3 months") == true)
    }
}
