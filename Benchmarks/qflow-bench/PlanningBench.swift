import Foundation
import QFlowStats

/// Times each statistics call added for issue 20 (power and sample size, effect sizes, Laney/Anhøj, interrupted
/// time series) beside its R equivalent (`Rscript`, when installed) and its Python one (SciPy/statsmodels, from the
/// peers' venv) in the same invocation, and prints µs per call and the ratios (target ≥ 100×).
func runPlanningBenchmark() {
    print(
        "== stats (issue 20): power, effect sizes, SPC rules, ITS "
            + "— each call beside its R and Python (SciPy, statsmodels) equivalents"
    )
    let ours = PlanningBench.cases.map { c -> (String, Double) in
        _ = PlanningBench.time(c.body, seconds: 0.05)  // warm-up
        return (c.name, PlanningBench.time(c.body, seconds: 0.3))
    }
    let r = PlanningBench.runR()
    let python = PlanningBench.runPython()
    print(
        "  call                                       qflow          R "
            + "   ratio      Python    ratio   ≥ 100× R or Python"
    )
    for (name, us) in ours {
        let padded = name.count < 34 ? name + String(repeating: " ", count: 34 - name.count) : name
        var line = "  " + padded + String(format: " %10.2f µs", us)
        line += r[name].map { String(format: " %9.2f %6.0f×", $0, $0 / us) } ?? "         —       —"
        line += python[name].map { String(format: " %11.2f %6.0f×", $0, $0 / us) } ?? "           —       —"
        let best = max(r[name] ?? 0, python[name] ?? 0) / us
        if !(r.isEmpty && python.isEmpty) { line += best >= 100 ? "   met" : "   not met" }
        print(line)
    }
    if r.isEmpty {
        print("  R not installed (apt-get install r-base-core r-cran-pwr r-cran-sandwich): no R figures")
    }
    if python.isEmpty {
        print("  Python peer skipped (../shared/bench/run-peers.sh setup installs SciPy and statsmodels)")
    }
}

/// The calls, their inputs and the R script that times the same calls.
enum PlanningBench {
    struct Case: Sendable {
        let name: String
        let body: @Sendable () -> Double
    }

    static let x60: [Double] = (0..<60).map { (i: Int) -> Double in
        let t = Double(i)
        return 50 + 10 * sin(t * 1.7) + Double(i % 7)
    }
    static let y70: [Double] = (0..<70).map { (i: Int) -> Double in
        let t = Double(i)
        return 46 + 12 * cos(t * 1.3) + Double(i % 5)
    }
    static let events24 = [
        171, 168, 175, 170, 166, 172, 169, 174, 171, 167, 173, 170, 186, 188, 185, 190, 189, 192, 191, 190, 194, 193,
        195, 196,
    ]
    static let large = [14210, 14262, 14180, 14301, 14255, 14190, 14320, 14240, 14270, 14205, 14290, 14060]

    static let cases: [Case] = [
        Case(name: "power_proportions (normal)") {
            (try? ProportionsPower(p1: 229.0 / 233, p2: 221.0 / 233, n1: 233, n2: 233))?.power ?? 0
        },
        Case(name: "sample size, two proportions") {
            (try? ProportionsPower.sampleSize(p1: 229.0 / 233, p2: 221.0 / 233, power: 0.8))?.n ?? 0
        },
        Case(name: "power_mcnemar (exact, 200 pairs)") {
            (try? McNemarPower(pairs: 200, p01: 0.15, p10: 0.05))?.exactPower ?? 0
        },
        Case(name: "power_welch") {
            (try? WelchPower(delta: 5, sd1: 8, sd2: 12, n1: 30, n2: 45))?.power ?? 0
        },
        Case(name: "sample size, Welch") {
            (try? WelchPower.sampleSize(delta: 1, sd1: 1, sd2: 1, power: 0.8))?.n ?? 0
        },
        Case(name: "conditional OR + exact CI") {
            (try? ConditionalOddsRatio(a: 229, b: 4, c: 221, d: 12))?.low ?? 0
        },
        Case(name: "Hodges–Lehmann + CI (60 vs 70)") {
            (try? HodgesLehmann(a: x60, b: y70))?.interval?.low ?? 0
        },
        Case(name: "ITS, 24 months, Newey–West") {
            (try? InterruptedTimeSeries(events: events24, totals: Array(repeating: 200, count: 24), intervention: 12))?
                .levelChange.standardError ?? 0
        },
        Case(name: "Laney p′ + dispersion + Anhøj") {
            let totals = Array(repeating: 15000, count: 12)
            let l = try? LaneyPChart(events: large, totals: totals)
            let o = l.map(Overdispersion.init(chart:))
            let a = AnhojRules(values: l?.proportions ?? [], centre: l?.center ?? 0)
            return (o?.chi2 ?? 0) + (l?.sigmaZ ?? 0) + Double(a.crossings)
        },
    ]

    /// µs per call, repeating for about `seconds`.
    static func time(_ body: () -> Double, seconds: Double) -> Double {
        let clock = ContinuousClock()
        var calls = 0
        var checksum = 0.0
        let start = clock.now
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<50 { checksum += body() }
            calls += 50
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        if checksum.isNaN { print("  (checksum NaN)") }
        return elapsed * 1e6 / Double(calls)
    }

    /// Runs the R peer; µs per call by case name (empty when Rscript is missing or fails).
    static func runR() -> [String: Double] {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-planning-bench.R")
        do { try rScript.write(to: script, atomically: true, encoding: .utf8) } catch { return [:] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["Rscript", script.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return [:] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return [:] }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// Runs the SciPy/statsmodels peer (`Benchmarks/peers/planning_bench.py`) with the peers' venv; µs per call by
    /// case name (empty when the venv or the script is missing).
    static func runPython() -> [String: Double] {
        let python = Peers.benchDirectory + "/venv/bin/python"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/planning_bench.py").path
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script),
            let output = Peers.shell([python, script])
        else { return [:] }
        return parse(output)
    }

    /// `name<TAB>µs` lines to a map.
    static func parse(_ output: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2, let us = Double(parts[1].trimmingCharacters(in: .whitespaces)) {
                out[String(parts[0])] = us
            }
        }
        return out
    }

    /// The R equivalents, timed in one R process: µs per call, tab-separated after the case name.
    static let rScript = """
        suppressMessages({ ok_pwr <- requireNamespace("pwr", quietly = TRUE)
          ok_sw <- requireNamespace("sandwich", quietly = TRUE) })
        tm <- function(name, reps, expr) { f <- function() eval(expr); f()
          t <- system.time(for (i in 1:reps) f())[["elapsed"]]
          cat(name, "\\t", 1e6 * t / reps, "\\n", sep = "") }
        p1 <- 229/233; p2 <- 221/233
        tm("power_proportions (normal)", 5000, quote(power.prop.test(n = 233, p1 = p1, p2 = p2)$power))
        tm("sample size, two proportions", 2000, quote(power.prop.test(p1 = p1, p2 = p2, power = 0.8)$n))
        mcn <- function(n, p01, p10, alpha = 0.05) { psi <- p01 + p10; tot <- 0; for (D in 1:n) { b <- 0:D
          pv <- pmin(1, 2 * pbinom(pmin(b, D - b), D, 0.5))
          tot <- tot + dbinom(D, n, psi) * sum(dbinom(b, D, p01 / psi)[pv <= alpha]) }; tot }
        tm("power_mcnemar (exact, 200 pairs)", 50, quote(mcn(200, 0.15, 0.05)))
        wp <- function(delta, sd1, sd2, n1, n2, alpha = 0.05) { va <- sd1^2/n1; vb <- sd2^2/n2; se <- sqrt(va + vb)
          df <- (va + vb)^2 / (va^2/(n1 - 1) + vb^2/(n2 - 1))
          pt(qt(alpha/2, df, lower.tail = FALSE), df, ncp = abs(delta)/se, lower.tail = FALSE) }
        tm("power_welch", 20000, quote(wp(5, 8, 12, 30, 45)))
        tm("sample size, Welch", 1000, quote(power.t.test(power = 0.8, delta = 1, sd = 1)$n))
        m <- matrix(c(229, 221, 4, 12), 2)
        tm("conditional OR + exact CI", 500, quote(fisher.test(m)$conf.int))
        x <- 50 + 10 * sin((0:59) * 1.7) + (0:59) %% 7; y <- 46 + 12 * cos((0:69) * 1.3) + (0:69) %% 5
        tm("Hodges–Lehmann + CI (60 vs 70)", 100,
          quote(suppressWarnings(wilcox.test(x, y, exact = FALSE, conf.int = TRUE))$conf.int))
        ev <- c(171, 168, 175, 170, 166, 172, 169, 174, 171, 167, 173, 170,
          186, 188, 185, 190, 189, 192, 191, 190, 194, 193, 195, 196)
        yy <- ev / 200; tt <- 0:23; D <- as.numeric(tt >= 12); s <- D * (tt - 12)
        # The same outputs as qflow's call: OLS and Newey–West standard errors, t, p and 95% intervals of the four
        # coefficients and of the post-intervention slope, fitted and counterfactual lines, Durbin–Watson, the lag-1
        # autocorrelation and the Breusch–Godfrey test of order 2 (lmtest's bgtest, written out).
        if (ok_sw) tm("ITS, 24 months, Newey–West", 300, quote({ fit <- lm(yy ~ tt + D + s); b <- coef(fit)
          V <- sandwich::NeweyWest(fit, lag = 2, prewhite = FALSE, adjust = FALSE); ols <- sqrt(diag(vcov(fit)))
          w <- c(0, 1, 0, 1); post <- sum(w * b); post_se <- sqrt(drop(t(w) %*% V %*% w))
          se <- c(sqrt(diag(V)), post_se); est <- c(b, post); tv <- est / se; dfr <- fit$df.residual
          pv <- 2 * pt(-abs(tv), dfr); ci <- cbind(est - qt(0.975, dfr) * se, est + qt(0.975, dfr) * se)
          e <- resid(fit); fv <- fitted(fit); cf <- b[1] + b[2] * tt; dw <- sum(diff(e)^2) / sum(e^2)
          r1 <- sum(e[-1] * e[-length(e)]) / sum(e^2); e1 <- c(0, e[-24]); e2 <- c(0, 0, e[-(23:24)])
          aux <- lm(e ~ tt + D + s + e1 + e2); bg <- 24 * summary(aux)$r.squared; pchisq(bg, 2, lower.tail = FALSE) }))
        xl <- c(14210, 14262, 14180, 14301, 14255, 14190, 14320, 14240, 14270, 14205, 14290, 14060)
        nl <- rep(15000, 12)
        tm("Laney p′ + dispersion + Anhøj", 5000, quote({ p <- sum(xl)/sum(nl); sg <- sqrt(p*(1-p)/nl)
          z <- (xl/nl - p)/sg
          sz <- mean(abs(diff(z)))/1.128; u <- p + 3*sg*sz; l <- p - 3*sg*sz
          pc <- pchisq(sum(z^2), 11, lower.tail = FALSE)
          r <- sign(xl/nl - p); r <- r[r != 0]; rl <- rle(r)$lengths
          c(max(rl) > round(log2(length(r))) + 3, length(rl) - 1 < qbinom(0.05, length(r) - 1, 0.5)) }))
        """
}
