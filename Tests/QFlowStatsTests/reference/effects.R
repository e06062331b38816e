# Reference values for EffectSizeTests.swift. Run: Rscript effects.R (R 4.2.2, base R only).
f <- function(label, x) cat(sprintf("%-40s %s\n", label, paste(sprintf("%.17g", x), collapse = ", ")))
z <- qnorm(0.975)

# Relative risk (Katz log interval) and Cohen's h with its arcsine interval; 0.5 added to each cell if one is 0.
rr <- function(x1, n1, x2, n2) {
  add <- if (min(x1, n1 - x1, x2, n2 - x2) == 0) 0.5 else 0
  a <- x1 + add; m1 <- n1 + 2 * add; c <- x2 + add; m2 <- n2 + 2 * add
  l <- log(a / m1) - log(c / m2); se <- sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2)
  c(exp(l), exp(l - z * se), exp(l + z * se))
}
h <- function(x1, n1, x2, n2) {
  v <- 2 * asin(sqrt(x1 / n1)) - 2 * asin(sqrt(x2 / n2)); se <- sqrt(1 / n1 + 1 / n2)
  c(v, v - z * se, v + z * se)
}
# fisher.test's conditional MLE and exact interval, with its own functions but uniroot at tol 1e-15 on log(ncp)
# (fisher.test itself uses uniroot's default tolerance, about 1e-4: its values are printed too).
cond_or <- function(x1, n1, x2, n2) {
  x <- x1; m <- x1 + x2; n <- (n1 - x1) + (n2 - x2); k <- n1
  lo <- max(0, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dn <- function(t) { d <- logdc + t * support; d <- exp(d - max(d)); d / sum(d) }
  mn <- function(t) sum(support * dn(t))
  up <- function(t) sum(dn(t)[support >= x]); low <- function(t) sum(dn(t)[support <= x])
  r <- function(g) exp(uniroot(g, c(-50, 50), tol = 1e-15)$root)
  est <- if (x == lo) 0 else if (x == hi) Inf else r(function(t) mn(t) - x)
  L <- if (x == lo) 0 else r(function(t) up(t) - 0.025)
  U <- if (x == hi) Inf else r(function(t) 0.025 - low(t))
  c(est, L, U)
}
for (k in list(c(229, 233, 221, 233), c(12, 100, 25, 100), c(0, 10, 5, 12), c(10, 10, 3, 8), c(1, 1, 0, 1))) {
  cat(sprintf("-- %d/%d vs %d/%d\n", k[1], k[2], k[3], k[4]))
  f("relative risk, low, high", rr(k[1], k[2], k[3], k[4]))
  f("cohen h, low, high", h(k[1], k[2], k[3], k[4]))
  f("conditional OR, low, high (tol 1e-15)", cond_or(k[1], k[2], k[3], k[4]))
  ft <- fisher.test(matrix(c(k[1], k[3], k[2] - k[1], k[4] - k[3]), 2))
  f("fisher.test estimate, conf.int", c(ft$estimate, ft$conf.int))
}
# McNemar: conditional odds ratio b/c with the Clopper-Pearson limits of b out of b + c mapped by p/(1-p).
for (k in list(c(4, 1), c(0, 6), c(15, 5), c(7, 0))) {
  ci <- binom.test(k[1], k[1] + k[2])$conf.int
  cat(sprintf("-- mcnemar b=%d c=%d\n", k[1], k[2]))
  f("b/c, low, high", c(k[1] / k[2], ci[1] / (1 - ci[1]), ci[2] / (1 - ci[2])))
}
# Hodges-Lehmann: median of differences; the interval of wilcox.test's normal approximation (tol.root 1e-14).
hl <- function(x, y) {
  w <- suppressWarnings(wilcox.test(x, y, exact = FALSE, correct = TRUE, conf.int = TRUE, tol.root = 1e-14))
  c(median(outer(x, y, "-")), w$conf.int)
}
f("HL a=1..5 b=2,4,..,12", hl(1:5, seq(2, 12, 2)))
f("HL durations (ties)", hl(c(42, 55, 38, 61, 47, 52, 45, 58, 49, 50, 44, 53),
                            c(39, 41, 36, 48, 40, 43, 37, 45, 42, 38, 44, 35, 41)))
set.seed(7); x <- round(rnorm(60, 50, 10), 1); y <- round(rnorm(70, 46, 12), 1)
cat("x60 <- c(", paste(x, collapse = ", "), ")\n", sep = "")
cat("y70 <- c(", paste(y, collapse = ", "), ")\n", sep = "")
f("HL x60 y70", hl(x, y))
