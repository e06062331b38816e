# Reference values for PowerTests.swift (power and sample size). Run: Rscript power.R
# R 4.2.2 with Debian's r-cran-pwr. Every value is printed with 17 significant digits.
suppressMessages(library(pwr))
f <- function(label, x) cat(sprintf("%-40s %s\n", label, paste(sprintf("%.17g", x), collapse = ", ")))

# Two proportions, normal approximation generalised to n1 != n2 (reduces to power.prop.test when n1 = n2).
prop_power <- function(p1, p2, n1, n2, alpha = 0.05) {
  z <- qnorm(alpha / 2, lower.tail = FALSE)
  pbar <- (n1 * p1 + n2 * p2) / (n1 + n2)
  pnorm((abs(p1 - p2) - z * sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))) / sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))
}
# Exact power of Pearson's chi-square (no correction) by enumerating every (x1, x2).
exact_pearson <- function(p1, n1, p2, n2, alpha = 0.05) {
  g <- expand.grid(a = 0:n1, c = 0:n2)
  a <- g$a; b <- n1 - a; c <- g$c; d <- n2 - c; c1 <- a + c; c2 <- b + d; N <- n1 + n2
  chi <- ifelse(c1 == 0 | c2 == 0, 0, N * (a * d - b * c)^2 / (n1 * n2 * c1 * c2))
  sum(dbinom(a, n1, p1) * dbinom(c, n2, p2) * (chi > qchisq(1 - alpha, 1)))
}
cases <- list(c(229/233, 221/233, 233, 233), c(0.3, 0.2, 100, 150), c(0, 0.1, 20, 20), c(0.5, 0.9, 1, 1),
              c(0.15, 0.1, 1000, 800))
for (k in cases) {
  p1 <- k[1]; p2 <- k[2]; n1 <- k[3]; n2 <- k[4]
  cat(sprintf("-- proportions p1=%s p2=%s n1=%d n2=%d\n", format(p1), format(p2), n1, n2))
  f("power (normal)", prop_power(p1, p2, n1, n2))
  if (n1 == n2 && p1 != p2 && n1 >= 2) f("power.prop.test", power.prop.test(n = n1, p1 = p1, p2 = p2)$power)
  if (n1 >= 2 && n2 >= 2) {
    f("pwr.2p2n.test", pwr.2p2n.test(h = ES.h(p1, p2), n1 = n1, n2 = n2)$power)
  } else {  # pwr refuses n < 2: its own formula, written out
    s <- sqrt(n1 * n2 / (n1 + n2)); z <- qnorm(0.025, lower.tail = FALSE); h <- ES.h(p1, p2)
    f("pwr.2p2n.test formula", pnorm(z - h * s, lower.tail = FALSE) + pnorm(-z - h * s))
  }
  f("cohen h", ES.h(p1, p2))
  f("exact pearson", exact_pearson(p1, n1, p2, n2))
}
cat("-- all events in both groups: p1 = p2 = 1, n = 10: exact power\n")
f("exact pearson", exact_pearson(1, 10, 1, 10))
cat("-- sample size (iterative in R: uniroot at tol 1e-12)\n")
f("study n for 0.8", power.prop.test(p1 = 229/233, p2 = 221/233, power = 0.8, tol = 1e-12)$n)
f("study power at 440", power.prop.test(n = 440, p1 = 229/233, p2 = 221/233)$power)
f("0.3 vs 0.2 n for 0.9 alpha 0.01", power.prop.test(p1 = 0.3, p2 = 0.2, power = 0.9, sig.level = 0.01, tol = 1e-12)$n)

# McNemar: Connor (1987) normal approximation and the exact power of the exact binomial test.
connor <- function(n, p01, p10, alpha = 0.05) {
  d <- abs(p01 - p10); psi <- p01 + p10
  pnorm((sqrt(n) * d - qnorm(alpha / 2, lower.tail = FALSE) * sqrt(psi)) / sqrt(psi - d^2))
}
connor_n <- function(p01, p10, power, alpha = 0.05) {
  d <- p01 - p10; psi <- p01 + p10
  (qnorm(alpha / 2, lower.tail = FALSE) * sqrt(psi) + qnorm(power) * sqrt(psi - d^2))^2 / d^2
}
mcnemar_exact <- function(n, p01, p10, alpha = 0.05) {
  psi <- p01 + p10; tot <- 0
  for (D in 1:n) {
    b <- 0:D
    pv <- pmin(1, 2 * pbinom(pmin(b, D - b), D, 0.5))
    tot <- tot + dbinom(D, n, psi) * sum(dbinom(b, D, p01 / psi)[pv <= alpha])
  }
  tot
}
for (k in list(c(32, 4/32, 1/32), c(200, 0.15, 0.05), c(10, 0.3, 0), c(1, 0.5, 0.25))) {
  cat(sprintf("-- mcnemar n=%d p01=%s p10=%s\n", k[1], format(k[2]), format(k[3])))
  f("power (Connor)", connor(k[1], k[2], k[3]))
  f("exact", mcnemar_exact(k[1], k[2], k[3]))
}
f("mcnemar n for 0.8 (0.125, 0.03125)", connor_n(0.125, 0.03125, 0.8))

# Welch: noncentral t at the Welch-Satterthwaite df of the true variances (power.t.test when equal).
welch_power <- function(delta, sd1, sd2, n1, n2, alpha = 0.05) {
  va <- sd1^2 / n1; vb <- sd2^2 / n2; se <- sqrt(va + vb)
  df <- (va + vb)^2 / (va^2 / (n1 - 1) + vb^2 / (n2 - 1))
  c(df, abs(delta) / se, pt(qt(alpha / 2, df, lower.tail = FALSE), df, ncp = abs(delta) / se, lower.tail = FALSE))
}
cat("-- welch (df, ncp, power)\n")
f("power.t.test(20, 1, 1)", power.t.test(n = 20, delta = 1, sd = 1)$power)
f("welch 1,1,1,20,20", welch_power(1, 1, 1, 20, 20))
f("welch 5,8,12,30,45", welch_power(5, 8, 12, 30, 45))
f("welch -0.5,1,2,2,3", welch_power(-0.5, 1, 2, 2, 3))
f("welch 2,1,1,10,10 alpha .01", welch_power(2, 1, 1, 10, 10, 0.01))
f("power.t.test n for 0.8 (1, 1)", power.t.test(power = 0.8, delta = 1, sd = 1, tol = 1e-12)$n)
f("welch n for 0.9 (5, 8, 12)", uniroot(function(n) welch_power(5, 8, 12, n, n)[3] - 0.9, c(2, 1e7), tol = 1e-12)$root)
cat("-- noncentral t: pt(q, df, ncp)\n")
f("pt(2, 10, 1)", pt(2, 10, ncp = 1))
f("pt(-1, 5.5, 0.5)", pt(-1, 5.5, ncp = 0.5))
f("pt(3, 38, 3.2)", pt(3, 38, ncp = 3.2))
f("pt(1.2, 3, -2)", pt(1.2, 3, ncp = -2))
