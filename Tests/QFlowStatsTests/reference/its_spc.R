# Reference values for TimeSeriesTests.swift and LaneyAnhojTests.swift. Run: Rscript its_spc.R
# R 4.2.2 with Debian's r-cran-sandwich and r-cran-segmented (lmtest is not packaged with them here, so
# coeftest/coefci and bgtest are written out: t with the residual df, and T * R^2 of the auxiliary regression).
suppressMessages({ library(sandwich); library(segmented) })
f <- function(label, x) cat(sprintf("%-34s %s\n", label, paste(sprintf("%.17g", x), collapse = ", ")))

its <- function(events, totals, k0, times = seq_along(events) - 1) {
  y <- events / totals; t <- times; D <- as.numeric(seq_along(y) >= k0 + 1); s <- D * (t - t[k0 + 1])
  fit <- lm(y ~ t + D + s)
  n <- length(y); L <- floor(4 * (n / 100)^(2 / 9))
  V <- NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE)
  b <- coef(fit); se <- sqrt(diag(V)); df <- fit$df.residual; q <- qt(0.975, df)
  cat(sprintf("lag %d, df %d\n", L, df))
  for (i in 1:4) f(names(b)[i], c(b[i], sqrt(diag(vcov(fit)))[i], se[i], 2 * pt(-abs(b[i] / se[i]), df),
                              b[i] - q * se[i], b[i] + q * se[i]))
  w <- c(0, 1, 0, 1); est <- sum(w * b); sep <- sqrt(drop(t(w) %*% V %*% w))
  f("post slope", c(est, sep, b[2] + b[4] - q * sep, b[2] + b[4] + q * sep))
  e <- residuals(fit)
  f("durbin-watson", sum(diff(e)^2) / sum(e^2))
  f("lag-1 autocorrelation", sum(e[-1] * e[-n]) / sum(e^2))
  order <- max(1, L)
  lags <- sapply(1:order, function(l) c(rep(0, l), e)[1:n])
  aux <- lm(e ~ t + D + s + lags)
  lm_stat <- n * summary(aux)$r.squared
  f("breusch-godfrey LM, p", c(lm_stat, pchisq(lm_stat, order, lower.tail = FALSE)))
  # segmented's view of the same data: a continuous broken line (no level change), for comparison only
  seg <- segmented(lm(y ~ t), seg.Z = ~t, psi = t[k0 + 1])
  f("segmented (continuous) psi", seg$psi[, "Est."])
}
cat("-- ITS 1: 12 months before, 12 after\n")
ev1 <- c(171, 168, 175, 170, 166, 172, 169, 174, 171, 167, 173, 170, 186, 188, 185, 190, 189, 192, 191, 190, 194, 193, 195, 196)
tot1 <- rep(200, 24)
its(ev1, tot1, 12)
cat("-- ITS 2: uneven totals, a gap month (times 0..4, 6..10), 5 before\n")
ev2 <- c(40, 44, 41, 47, 45, 52, 50, 55, 57, 58)
tot2 <- c(60, 62, 58, 65, 61, 64, 60, 66, 67, 65)
its(ev2, tot2, 5, c(0, 1, 2, 3, 4, 6, 7, 8, 9, 10))
cat("-- ITS 3: all events before and after except one month (3 + 3 months)\n")
its(c(10, 10, 9, 10, 10, 10), rep(10, 6), 3)

laney <- function(x, n) {
  p <- sum(x) / sum(n); s <- sqrt(p * (1 - p) / n); z <- (x / n - p) / s
  sz <- mean(abs(diff(z))) / 1.128
  list(p = p, sz = sz, ucl = pmin(1, p + 3 * s * sz), lcl = pmax(0, p - 3 * s * sz), chi2 = sum(z^2),
       pchi = pchisq(sum(z^2), length(x) - 1, lower.tail = FALSE))
}
cat("-- Laney: 12 months of 15,000 cases each with a small wobble\n")
x3 <- c(14210, 14262, 14180, 14301, 14255, 14190, 14320, 14240, 14270, 14205, 14290, 14060)
l <- laney(x3, rep(15000, 12))
f("centre", l$p); f("sigma z", l$sz); f("ucl[1]", l$ucl[1]); f("lcl[1]", l$lcl[1])
f("dispersion chi2, p", c(l$chi2, l$pchi))
cat("-- Laney: uneven n\n")
x4 <- c(30, 45, 60, 10, 38); n4 <- c(100, 120, 140, 90, 110)
l <- laney(x4, n4)
f("centre", l$p); f("sigma z", l$sz); f("ucl", l$ucl); f("lcl", l$lcl); f("dispersion chi2, p", c(l$chi2, l$pchi))

anhoj <- function(y, cl = median(y)) {
  r <- sign(y - cl); r <- r[r != 0]; n <- length(r); rl <- rle(r)$lengths
  c(n, max(rl), round(log2(n)) + 3, max(length(rl) - 1, 0), qbinom(0.05, max(n - 1, 0), 0.5))
}
cat("-- Anhoj: useful n, longest run, its limit, crossings, their limit\n")
f("1..10 about 5.5", anhoj(1:10, 5.5))
# Science Trends (2019), "Crossings, runs and crossrun": 13 points crossing at 3-4, 6-7, 7-8, 9-10, 10-11
f("sciencetrends 13-point example", anhoj(c(1, 1, 1, 5, 5, 5, 1, 5, 5, 1, 5, 5, 5), 3))
f("ev1/200 about median", anhoj(ev1 / 200))
f("limits n = 10, 20, 24, 30, 50, 100", sapply(c(10, 20, 24, 30, 50, 100), function(n) round(log2(n)) + 3))
f("crossings n = 10, 20, 24, 30, 50, 100", sapply(c(10, 20, 24, 30, 50, 100), function(n) qbinom(0.05, n - 1, 0.5)))
