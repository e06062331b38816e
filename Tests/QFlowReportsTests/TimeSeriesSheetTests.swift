import Foundation
import QFlowAnalysis
import QFlowReports
import QFlowStore
import Testing

/// The before/after comparison over months (interrupted time series) and the power sentence in the workbook.
@Suite(.serialized) struct TimeSeriesSheetTests {
    static func report(_ yaml: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("r-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func anITSComparisonGetsItsTableAndChartAndTheTwoGroupOneItsPower() throws {
        let (directory, store) = try StudyDatabase.built.get()
        let yaml = """
            title: { zh: 间断时间序列, en: Time series }
            comparisons:
              - measure: item:sat.overall
                cohorts: [no-flows, flows]
                over: month
                design: its
              - measure: item:sat.overall
                cohorts: [flows, no-flows]
            """
        let spec = try ReportFile.load(path: try Self.report(yaml, in: directory))
        #expect(spec.comparisons[0].interruptedTimeSeries)
        let out = directory.appendingPathComponent("its.xlsx").path
        try ReportWriter(spec: spec, store: store, language: .en).write(to: out)
        let book = try XLSXReader.read(out)
        let its = try XLSXReader.sheet(book, "Comparison 1")
        let text = (its["cells"] as? [String: [String: Any]])?.values.compactMap { $0["value"] as? String } ?? []
        for label in [
            "Interrupted time series (segmented regression)", "Level change", "Slope change", "SE (Newey–West)",
        ] {
            #expect(text.contains(label), "\(label)")
        }
        #expect(text.contains { $0.hasPrefix("Autocorrelation: Durbin–Watson") })
        #expect(its["charts"] as? Int == 3, "a p-chart per cohort and the time-series chart")
        let two = try XLSXReader.sheet(book, "Comparison 2")
        let twoText = (two["cells"] as? [String: [String: Any]])?.values.compactMap { $0["value"] as? String } ?? []
        #expect(twoText.contains { $0.contains("power to detect the observed difference") }, "\(twoText)")
    }

    @Test func anInterruptedTimeSeriesKeepsBothChartsAndTheFitAndAsksForAllThree() throws {
        let (_, store) = try StudyDatabase.built.get()
        let comparison = try Comparison.run(
            .item("sat.overall"), cohorts: [try store.cohort("no-flows"), try store.cohort("flows")], overTime: true,
            interruptedTimeSeries: true, store: store)
        #expect(comparison.design == .overTime)
        guard case .interruptedTimeSeries(let charts, let fit) = comparison.result else {
            Issue.record("not an interrupted time series: \(comparison.result)")
            return
        }
        #expect(charts.map(\.cohortName) == ["no-flows", "flows"])
        #expect(fit.months == charts[0].months + charts[1].months)
        #expect(fit.model.intervention == charts[0].months.count)
        #expect(comparison.rule.en.hasPrefix("monthly proportions before (no-flows) and after (flows)"))
        // Scripts get each cohort's p-chart and the segmented regression, in that order.
        let json = try JSONSerialization.jsonObject(with: try comparison.json()) as? [String: Any]
        let statistics = json?["statistics"] as? [[String: Any]] ?? []
        #expect(statistics.count == 3)
        #expect(statistics.prefix(2).allSatisfy { $0["center"] != nil })
        #expect(statistics.last?["level_change"] != nil, "\(statistics.last ?? [:])")
        #expect((json?["months"] as? [[String: Any]])?.count == 2)
    }

    @Test(arguments: [
        ("over: month\n    design: its\n    cohorts: [flows]", "two cohorts"),
        ("design: its\n    cohorts: [no-flows, flows]", "over: month"),
        ("over: month\n    design: arima\n    cohorts: [no-flows, flows]", "only 'its'"),
    ])
    func aWrongTimeSeriesComparisonIsALocatedError(body: String, message: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-its-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.report(
            "title: { zh: 标题, en: T }\ncomparisons:\n  - measure: item:sat.overall\n    \(body)\n", in: directory)
        let error = #expect(throws: ReportError.self) { try ReportFile.load(path: path) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(path + ":") == true, "the file and line are named")
    }
}
