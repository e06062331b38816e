import Foundation
import Testing

@testable import QFlowStats

/// Runs the contract and decodes its output with Foundation's parser (independent of ours).
private func runContract(_ json: String) throws -> [[String: Any]] {
    let out = try StatsContract.run(Data(json.utf8))
    let decoded = try JSONSerialization.jsonObject(with: out)
    return try #require(decoded as? [[String: Any]])
}

/// The keys of each result object in the order they were written.
private func keyOrder(_ data: Data) throws -> [[String]] {
    guard case .array(let items) = try JSONValue.parse(data) else { return [] }
    return items.map { item in
        guard case .object(let members) = item else { return [] }
        return members.map(\.key)
    }
}

@Suite("The JSON machine contract")
struct StatsContractTests {
    static let mixed = """
        [
          {"id": "study", "test": "proportions", "a": [229, 233], "b": [221, 233]},
          {"id": 2, "test": "contingency", "table": [[10, 20, 30], [20, 20, 20]]},
          {"id": 3, "test": "mcnemar", "b": 0, "c": 1000},
          {"id": 4, "test": "welch", "a": [1, 2, 3, 4, 5], "b": [2, 4, 6, 8, 10, 12]},
          {"id": 5, "test": "mann_whitney", "a": [1, 2, 2, 3, 3, 3], "b": [2, 3, 4, 4, 5]},
          {"id": 6, "test": "pchart", "events": [30, 45, 60, 10], "totals": [100, 100, 100, 100]},
          {"id": 7, "test": "anova", "groups": []},
          {"id": 8, "test": "proportions", "a": [-1, 10], "b": [2, 10]},
          {"id": 9, "test": "proportions", "a": [11, 10], "b": [2, 10]},
          {"id": 10, "test": "mann_whitney", "a": [], "b": [1, 2]},
          {"id": 11, "test": "contingency", "table": [[0, 0], [3, 4]]},
          {"id": 12, "test": "welch", "a": [1], "b": [2, 3]},
          {"id": 13, "test": "mcnemar", "b": 4},
          {"id": 14, "test": "mcnemar", "b": 4, "c": 1, "cc": 3},
          42,
          {"test": "proportions", "a": [0, 10], "b": [0, 12]},
          {"id": 17, "test": "mcnemar", "b": 2.5, "c": 1}
        ]
        """

    @Test func answersEveryRequestInOrderWithItsID() throws {
        let results = try runContract(Self.mixed)
        #expect(results.count == 17)
        #expect(results[0]["id"] as? String == "study")
        #expect((1..<14).allSatisfy { (results[$0]["id"] as? Int) == $0 + 1 })
        #expect(results[14]["id"] is NSNull)
        #expect(results[15]["id"] is NSNull)
    }

    @Test func resultsHaveExactlyTheKeysOfTheIssueInOrder() throws {
        let order = try keyOrder(try StatsContract.run(Data(Self.mixed.utf8)))
        #expect(
            order[0] == [
                "id", "pearson_chi2", "pearson_p", "yates_chi2", "yates_p", "fisher_p", "likelihood_ratio_chi2",
                "likelihood_ratio_p", "risk_difference", "rd_ci_low", "rd_ci_high", "odds_ratio", "or_ci_low",
                "or_ci_high", "wilson_a_low", "wilson_a_high", "wilson_b_low", "wilson_b_high", "min_expected",
                "relative_risk", "rr_ci_low", "rr_ci_high", "cohens_h", "h_ci_low", "h_ci_high", "exact_odds_ratio",
                "exact_or_ci_low", "exact_or_ci_high", "observed_power", "observed_power_exact",
            ])
        #expect(order[1] == ["id", "chi2", "df", "p", "cramers_v", "min_expected"])
        #expect(
            order[2] == [
                "id", "chi2", "p", "exact_p", "mid_p", "odds_ratio", "or_ci_low", "or_ci_high", "observed_power",
                "observed_power_exact",
            ])
        #expect(order[3] == ["id", "t", "df", "p", "mean_diff", "ci_low", "ci_high", "observed_power"])
        #expect(order[4] == ["id", "u", "p", "hodges_lehmann", "hl_ci_low", "hl_ci_high"])
        #expect(
            order[5] == [
                "id", "center", "ucl", "lcl", "out_of_control", "dispersion_chi2", "dispersion_p", "sigma_z", "chart",
                "laney_ucl", "laney_lcl", "laney_out_of_control", "anhoj_useful", "anhoj_longest_run",
                "anhoj_longest_run_limit", "anhoj_crossings", "anhoj_crossings_limit", "anhoj_signal",
            ])
        for i in 6..<15 { #expect(order[i] == ["id", "error"], "request \(i)") }
        #expect(order[16] == ["id", "error"])
    }

    @Test func valuesMatchTheLibraryAndTheReferences() throws {
        let r = try runContract(Self.mixed)
        expectClose(r[0]["pearson_chi2"] as? Double, 4.142222222222222, "pearson_chi2")
        expectClose(r[0]["pearson_p"] as? Double, 0.041826226914312495, "pearson_p")
        expectClose(r[0]["yates_p"] as? Double, 0.07493869447484579, "yates_p")
        expectClose(r[0]["fisher_p"] as? Double, 0.07181361261050243, "fisher_p")
        expectClose(r[0]["min_expected"] as? Double, 8.0, "min_expected")
        #expect(r[1]["df"] as? Int == 2)
        expectClose(r[1]["p"] as? Double, 0.06948345122280153, "contingency p")
        expectClose(r[2]["exact_p"] as? Double, 1.8665272370064378e-301, "exact_p far below 1e-100")
        expectClose(r[3]["ci_low"] as? Double, -7.983468695628832, "welch ci_low")
        expectClose(r[4]["u"] as? Double, 5.5, "u")
        #expect(r[5]["out_of_control"] as? [Int] == [2, 3])
        #expect((r[5]["ucl"] as? [Double])?.count == 4)
    }

    @Test func malformedRequestsGetClearMessages() throws {
        let r = try runContract(Self.mixed)
        let messages = (6..<17).map { r[$0]["error"] as? String ?? "" }
        #expect(messages[0].contains("unknown test \"anova\""))
        #expect(messages[1].contains("non-negative"))
        #expect(messages[2].contains("greater than n"))
        #expect(messages[3].contains("sample a is empty"))
        #expect(messages[4].contains("row 0 is all zero"))
        #expect(messages[5].contains("only 1 value"))
        #expect(messages[6].contains("needs the field \"c\""))
        #expect(messages[7].contains("unknown key \"cc\""))
        #expect(messages[8].contains("must be a JSON object"))
        #expect(r[15]["error"] == nil)  // the zero-event 2×2 is well formed
        #expect(messages[10].contains("integer"))
    }

    @Test func undefinedValuesAreNullNeverNaN() throws {
        let out = try StatsContract.run(Data(#"[{"test":"proportions","a":[0,10],"b":[0,12]}]"#.utf8))
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains("\"pearson_chi2\":null"))
        #expect(text.contains("\"fisher_p\":1"))
        #expect(!text.contains("nan") && !text.contains("NaN") && !text.contains("inf"))
    }

    @Test(arguments: [
        1e-150, 1.8665272370064378e-301, 4.142222222222222, 0.1 + 0.2, Double.leastNonzeroMagnitude, 123456.789,
    ])
    func doublesRoundTripExactly(x: Double) throws {
        let text = JSONValue.array([.number(x)]).serialized()
        // Checked with Swift's correctly rounded Double(String). (Foundation's JSONSerialization on Linux reads
        // "0.30000000000000004" as 0.3000000000000001, so it cannot serve as the oracle for the last digit.)
        #expect(Double(String(text.dropFirst().dropLast())) == x, "\(text)")
        guard case .array(let items) = try JSONValue.parse(Data(text.utf8)), case .number(let y) = items[0] else {
            Issue.record("did not parse \(text)")
            return
        }
        #expect(y == x)
    }

    @Test func tinyPValueIsPrintedInShortestForm() {
        #expect(JSONValue.double(1e-150).serialized() == "1e-150")
        #expect(JSONValue.double(.nan).serialized() == "null")
        #expect(JSONValue.double(.infinity).serialized() == "null")
    }

    @Test(arguments: ["", "{", "[1, 2", "[{\"id\": 1,}]", "[\"\\x\"]", "[01]", "[1] 2", "[nul]", "[1e999]"])
    func malformedJSONThrowsOneClearError(text: String) {
        #expect {
            try StatsContract.run(Data(text.utf8))
        } throws: { error in
            guard let e = error as? StatsError else { return false }
            return e.code == .malformedJSON && e.message.hasPrefix("malformed JSON at line 1, column")
        }
    }

    @Test func topLevelObjectIsRejectedAsAWhole() {
        #expect {
            try StatsContract.run(Data(#"{"test":"mcnemar","b":1,"c":2}"#.utf8))
        } throws: { error in
            (error as? StatsError)?.message == "the input must be a JSON array of requests, not an object"
        }
    }

    @Test func emptyArrayGivesEmptyArray() throws {
        #expect(String(decoding: try StatsContract.run(Data("[]".utf8)), as: UTF8.self) == "[]\n")
    }

    @Test func unicodeEscapesAndIDsAreEchoed() throws {
        let r = try runContract(#"[{"id":"\u00e9\ud83d\ude00 组","test":"mcnemar","b":1,"c":1}]"#)
        #expect(r[0]["id"] as? String == "é😀 组")
    }
}
