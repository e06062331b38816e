// How the reference values in this test target were computed (once, with Python 3, mpmath 1.3.0 and
// SciPy 1.17.1). Kept here verbatim so that anyone can re-run them; the tests themselves hold only literals.
//
// ---- ref.py ----
// # Reference values for QFlowStatsTests, computed once with mpmath (60 digits) using R-equivalent definitions.
// from fractions import Fraction
// from math import comb
// import mpmath as mp
// mp.mp.dps = 60
//
// def f(x):
//     return repr(float(x))
//
// Z = mp.sqrt(2) * mp.erfinv(mp.mpf('0.95'))  # Φ⁻¹(0.975)
//
// def chi2_sf(x, df):
//     x = mp.mpf(x)
//     if x <= 0: return mp.mpf(1)
//     return mp.gammainc(mp.mpf(df)/2, x/2, mp.inf, regularized=True)
//
// def fisher(a, b, c, d):
//     r1, c1, N = a+b, a+c, a+b+c+d
//     lo, hi = max(0, r1+c1-N), min(r1, c1)
//     w = {x: comb(c1, x)*comb(N-c1, r1-x) for x in range(lo, hi+1)}
//     tot = sum(w.values())
//     obs = w[a]
//     # R: d <= d_obs * (1 + 1e-7); exact rationals, relErr as the double 1+1e-7
//     rel = Fraction(1 + 1e-7)
//     two = sum(v for v in w.values() if v <= obs*rel)
//     less = sum(v for x, v in w.items() if x <= a)
//     greater = sum(v for x, v in w.items() if x >= a)
//     q = lambda fr: mp.mpf(fr.numerator)/mp.mpf(fr.denominator)
//     return q(Fraction(min(two, tot), tot)), q(Fraction(less, tot)), q(Fraction(greater, tot))
//
// def wilson(x, n):
//     # closed form (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n); the lower limit rewritten without
//     # cancellation as 2x²/(n(2x + z² + z√(z² + 4x(1 − x/n)))), so x = 0 gives exactly 0
//     def lower(x):
//         x = mp.mpf(x); nn = mp.mpf(n)
//         return 2*x*x/(nn*(2*x + Z**2 + Z*mp.sqrt(Z**2 + 4*x*(1 - x/nn))))
//     return lower(x), 1 - lower(n - x)
//
// def proportions(x1, n1, x2, n2):
//     a, b, c, d = x1, n1-x1, x2, n2-x2
//     N = n1+n2
//     rows, cols = [n1, n2], [a+c, b+d]
//     O = [[a, b], [c, d]]
//     E = [[mp.mpf(rows[i])*cols[j]/N for j in range(2)] for i in range(2)]
//     out = {}
//     if 0 in cols:
//         for k in ['pearson_chi2', 'pearson_p', 'yates_chi2', 'yates_p', 'lr', 'lr_p']: out[k] = None
//     else:
//         EF = [[Fraction(rows[i]*cols[j], N) for j in range(2)] for i in range(2)]
//         pe = sum((O[i][j]-EF[i][j])**2/EF[i][j] for i in range(2) for j in range(2))
//         Y = min(Fraction(1, 2), abs(O[0][0]-EF[0][0]))
//         ya = sum((abs(O[i][j]-EF[i][j])-Y)**2/EF[i][j] for i in range(2) for j in range(2))
//         pe = mp.mpf(pe.numerator)/pe.denominator; ya = mp.mpf(ya.numerator)/ya.denominator
//         g = 2*sum(O[i][j]*mp.log(O[i][j]/E[i][j]) for i in range(2) for j in range(2) if O[i][j] > 0)
//         out.update(pearson_chi2=pe, pearson_p=chi2_sf(pe, 1), yates_chi2=ya, yates_p=chi2_sf(ya, 1),
//                    lr=g, lr_p=chi2_sf(g, 1))
//     two, less, greater = fisher(a, b, c, d)
//     out.update(fisher=two, fisher1=min(less, greater))
//     p1, p2 = mp.mpf(x1)/n1, mp.mpf(x2)/n2
//     l1, u1 = wilson(x1, n1); l2, u2 = wilson(x2, n2)
//     out['rd'] = p1-p2
//     out['rd_lo'] = p1-p2-mp.sqrt((p1-l1)**2+(u2-p2)**2)
//     out['rd_hi'] = p1-p2+mp.sqrt((u1-p1)**2+(p2-l2)**2)
//     add = mp.mpf('0.5') if 0 in (a, b, c, d) else 0
//     A, B, C, D = a+add, b+add, c+add, d+add
//     orr = A*D/(B*C); se = mp.sqrt(1/mp.mpf(A)+1/mp.mpf(B)+1/mp.mpf(C)+1/mp.mpf(D))
//     out.update(or_=orr, or_lo=mp.exp(mp.log(orr)-Z*se), or_hi=mp.exp(mp.log(orr)+Z*se))
//     out.update(wa_lo=l1, wa_hi=u1, wb_lo=l2, wb_hi=u2, min_e=min(min(r) for r in E))
//     return out
//
// def opt(v):
//     return 'nil' if v is None else f(v)
//
// print("// proportions")
// for t in [(229,233,221,233),(229,233,220,233),(30,32,27,32),(12,100,25,100),(3,50,0,50),(40,200,30,200),(1,10,11,14),
//           (0,10,0,12),(1,2,0,1),(5,10,5,10),(1,5,4,5),(2,5,3,5),(800,1000,200,1000),(900,1000,300,1000),
//           (0,20,20,20)]:
//     o = proportions(*t)
//     print(f"    ProportionsRow(x1: {t[0]}, n1: {t[1]}, x2: {t[2]}, n2: {t[3]}, "
//           f"pearsonChi2: {opt(o['pearson_chi2'])}, pearsonP: {opt(o['pearson_p'])}, "
//           f"yatesChi2: {opt(o['yates_chi2'])}, yatesP: {opt(o['yates_p'])}, lrChi2: {opt(o['lr'])}, "
//           f"lrP: {opt(o['lr_p'])}, fisherP: {f(o['fisher'])}, fisherOneSided: {f(o['fisher1'])}, "
//           f"rd: {f(o['rd'])}, rdLow: {f(o['rd_lo'])}, rdHigh: {f(o['rd_hi'])}, "
//           f"oddsRatio: {f(o['or_'])}, orLow: {f(o['or_lo'])}, orHigh: {f(o['or_hi'])}, "
//           f"wilsonA: ({f(o['wa_lo'])}, {f(o['wa_hi'])}), "
//           f"wilsonB: ({f(o['wb_lo'])}, {f(o['wb_hi'])}), minExpected: {f(o['min_e'])}),")
//
// print("// fisher extra (a,b,c,d, two, less, greater)")
// for t in [(1,9,11,3),(0,5,5,0),(10,0,0,10),(500,10,10,500),(300,20,20,300),(7,3,3,7),(0,0,3,4),(1,0,0,0)]:
//     two, less, greater = fisher(*t)
//     print(f"    ({t[0]}, {t[1]}, {t[2]}, {t[3]}, {f(two)}, {f(less)}, {f(greater)}),")
//
// print("// contingency")
// for tab in [[[10,20,30],[20,20,20]], [[5,1,0],[2,8,3],[1,1,9]], [[400,100,50],[100,400,50],[50,50,400]],
//             [[1,2],[3,4]], [[12,88],[25,75]]]:
//     R=len(tab); Cn=len(tab[0]); rows=[sum(r) for r in tab]
//     cols=[sum(tab[i][j] for i in range(R)) for j in range(Cn)]; N=sum(rows)
//     E=[[mp.mpf(rows[i])*cols[j]/N for j in range(Cn)] for i in range(R)]
//     ch=sum((tab[i][j]-E[i][j])**2/E[i][j] for i in range(R) for j in range(Cn)); df=(R-1)*(Cn-1)
//     print(f"    ({tab}, {f(ch)}, {df}, {f(chi2_sf(ch, df))}, {f(mp.sqrt(ch/(N*(min(R,Cn)-1))))}, "
//           f"{f(min(min(r) for r in E))}),")
//
// print("// mcnemar (b, c, chi2, p, exact, mid)")
// def binom_half_cdf(k, n):
//     return Fraction(sum(comb(n, x) for x in range(0, k+1)), 2**n)
// for b, c in [(4,1),(5,5),(0,0),(0,20),(3,10),(400,100),(0,400),(0,1000),(1,0),(12,13),(7,0)]:
//     n=b+c
//     if b==c: ch=mp.mpf(0)
//     else: ch=(mp.mpf(abs(b-c))-1)**2/n
//     k=min(b,c); tail=binom_half_cdf(k,n); point=Fraction(comb(n,k),2**n)
//     q=lambda fr: mp.mpf(fr.numerator)/mp.mpf(fr.denominator)
//     ex=min(q(2*tail),1); mid=min(q(2*tail-point),1)
//     print(f"    ({b}, {c}, {f(ch)}, {f(chi2_sf(ch,1))}, {f(ex)}, {f(mid)}),")
//
// ---- ref2.py ----
// # Reference values for the distribution functions and the sample tests (mpmath, 60 digits; SciPy cross-check).
// import mpmath as mp
// import scipy.stats as st
// from math import comb
// mp.mp.dps = 60
// f = lambda x: repr(float(x))
//
// print("// normal survival (x, 1-Φ(x))")
// for x in ['-3', '0', '1.5', '5', '10', '20', '30', '37.5']:
//     print(f"    ({x}, {f(mp.ncdf(-mp.mpf(x)))}),")
// print("// normal quantile (p, Φ⁻¹(p))")
// for p in ['0.975', '0.5', '0.3', '0.025', '1e-10', '1e-100', '1e-300', '0.999999']:
//     pm = mp.mpf(float(p))  # the exact binary value of the double p
//     x = mp.findroot(lambda t: mp.ncdf(t) - pm, float(st.norm.ppf(float(p))) if float(p) > 1e-300 else -37.0)
//     print(f"    ({p}, {f(x)}),")
// print("// logGamma (x, lgamma)")
// for x in ['0.5', '1', '2', '3.7', '10', '10.5', '123.456', '1e6', '1e-5']:
//     print(f"    ({x}, {f(mp.loggamma(mp.mpf(x)))}),")
// print("// logBeta (a, b, value)")
// for a, b in [('0.5','0.5'),('2','3'),('100','0.5'),('500.25','0.5'),('12','15'),('1e5','2.5')]:
//     print(f"    ({a}, {b}, {f(mp.log(mp.beta(mp.mpf(a), mp.mpf(b))))}),")
// print("// regularized gamma (a, x, P, Q)")
// for a, x in [('0.5','2.071111111111111'),('0.5','360'),('2.5','1'),('1','1e-3'),('50','60'),('100','40'),('3','700'),
//              ('0.5','0.1'),('1000','1100')]:
//     am, xm = mp.mpf(a), mp.mpf(x)
//     print(f"    ({a}, {x}, {f(mp.gammainc(am, 0, xm, regularized=True))}, "
//           f"{f(mp.gammainc(am, xm, mp.inf, regularized=True))}),")
// print("// chi-square survival (x, df, sf)")
// for x, df in [('4.142222222222222','1'),('1000','5'),('3','10'),('50','100'),('0.001','1'),('1500','3'),('900','1')]:
//     print(f"    ({x}, {df}, {f(mp.gammainc(mp.mpf(df)/2, mp.mpf(x)/2, mp.inf, regularized=True))}),")
// print("// incomplete beta (x, a, b, I)")
// for x, a, b in [('0.3','2','3'),('0.9','0.5','0.5'),('0.01','10','0.5'),('0.999','50','2'),('0.5','200','200'),
//                 ('1e-5','1.5','4')]:
//     print(f"    ({x}, {a}, {b}, {f(mp.betainc(mp.mpf(a), mp.mpf(b), 0, mp.mpf(x), regularized=True))}),")
// print("// student t two-sided (t, df, p)")
// def t2(t, df):
//     t, df = mp.mpf(t), mp.mpf(df)
//     return mp.betainc(df/2, mp.mpf('0.5'), 0, df/(df+t*t), regularized=True)
// for t, df in [('2','3.5'),('0.5','10'),('-1.96','1000'),('40','198.3'),('1000','2.5'),('25','30'),('1e-3','7')]:
//     print(f"    ({t}, {df}, {f(t2(t, df))}),")
// print("// student t upper quantile (q, df, t)")
// for q, df in [('0.025','1'),('0.025','2.5'),('0.025','7.3'),('0.025','30'),('0.025','1e4'),('1e-10','5')]:
//     qm, dfm = mp.mpf(q), mp.mpf(df)
//     x = mp.findroot(lambda t: t2(t, dfm)/2 - qm, float(st.t.isf(float(q), float(df))))
//     print(f"    ({q}, {df}, {f(x)}),")
// print("// hypergeometric log pmf (x, marked, unmarked, draws, value)")
// for x, r, b, n in [(229,450,16,233),(5,10,10,10),(0,50,50,50),(300,320,320,320),(1,3,4,2)]:
//     v = mp.log(mp.mpf(comb(r, x)*comb(b, n-x))/comb(r+b, n))
//     print(f"    ({x}, {r}, {b}, {n}, {f(v)}),")
// print("// binomial log pmf (x, n, p, value)")
// for x, n, p in [(0,10,'0.5'),(3,10,'0.25'),(500,1000,'0.5'),(0,1000,'0.5'),(7,20,'0.001')]:
//     pm = mp.mpf(p)
//     print(f"    ({x}, {n}, {p}, {f(mp.log(comb(n,x)) + x*mp.log(pm) + (n-x)*mp.log(1-pm))}),")
//
// ---- ref3.py ----
// # Welch (R t.test var.equal=FALSE) and Mann-Whitney (R wilcox.test exact=FALSE correct=TRUE) references, mpmath
// # 60 digits on the exact double inputs; cross-checked against scipy.stats.ttest_ind(equal_var=False) and
// # mannwhitneyu(asymptotic).
// import mpmath as mp
// import scipy.stats as st
// mp.mp.dps = 60
// f = lambda x: repr(float(x))
// def t2(t, df):
//     return mp.betainc(df/2, mp.mpf('0.5'), 0, df/(df+t*t), regularized=True)
//
// tail_a = [float(i % 7) * 0.5 for i in range(100)]
// tail_b = [10 + float(i % 5) * 0.3 for i in range(100)]
// welch = [([1,2,3,4,5],[2,4,6,8,10,12]), ([1,2],[3,5]), ([5.1,4.9,5.6,5.8,6.0,5.5],[6.2,6.9,7.1,6.4,7.3]),
//          (tail_a, tail_b), ([0.1,0.2,0.3],[0.1,0.2,0.30000000000000004])]
// print("// welch (t, df, p, meanDiff, ciLow, ciHigh)")
// for a, b in welch:
//     A=[mp.mpf(x) for x in a]; B=[mp.mpf(x) for x in b]
//     ma=sum(A)/len(A); mb=sum(B)/len(B)
//     va=sum((x-ma)**2 for x in A)/(len(A)-1); vb=sum((x-mb)**2 for x in B)/(len(B)-1)
//     sa=va/len(A); sb=vb/len(B); se=mp.sqrt(sa+sb)
//     t=(ma-mb)/se; df=(sa+sb)**2/(sa**2/(len(A)-1)+sb**2/(len(B)-1))
//     p=t2(t, df)
//     q=mp.findroot(lambda x: t2(x, df)/2 - mp.mpf('0.025'), float(st.t.isf(0.025, float(df))))
//     r=st.ttest_ind(a, b, equal_var=False)
//     assert abs(float(p)-r.pvalue) <= 1e-9*max(r.pvalue, 1e-300) or float(p) < 1e-200, (p, r.pvalue)
//     print(f"    // scipy: t {r.statistic!r}, p {r.pvalue!r}")
//     print(f"    WelchRow(a: {a if len(a) < 20 else 'tailA'}, b: {b if len(b) < 20 else 'tailB'}, t: {f(t)}, "
//           f"df: {f(df)}, p: {f(p)}, meanDiff: {f(ma-mb)}, ciLow: {f(ma-mb-q*se)}, ciHigh: {f(ma-mb+q*se)}),")
//
// mw = [([1,2,3,4,5],[6,7,8,9,10]), ([1,2,2,3,3,3],[2,3,4,4,5]), ([1],[2]),
//       ([float(i) for i in range(400)], [float(1000+i) for i in range(400)]),
//       ([3,4,4,5,5,5,2,4],[1,2,2,3,3,4,2,1,3]), ([1.5,2.5],[1.5,2.5,3.5]), ([2,2,2],[2,2])]
// print("// mann-whitney (u, p)")
// for a, b in mw:
//     pooled = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
//     ranks = {}
//     i = 0; tie = mp.mpf(0); ra = mp.mpf(0)
//     n = len(pooled)
//     while i < n:
//         j = i
//         while j + 1 < n and pooled[j+1][0] == pooled[i][0]: j += 1
//         rank = mp.mpf(i + j + 2)/2; t = j - i + 1
//         tie += t**3 - t
//         ra += rank * sum(1 for k in range(i, j+1) if pooled[k][1] == 0)
//         i = j + 1
//     na, nb = len(a), len(b)
//     u = ra - mp.mpf(na*(na+1))/2
//     z = u - mp.mpf(na*nb)/2
//     sigma = mp.sqrt(mp.mpf(na*nb)/12 * ((na+nb+1) - tie/((na+nb)*(na+nb-1))))
//     if sigma == 0:
//         print(f"    MannWhitneyRow(a: {a}, b: {b}, u: {f(u)}, p: nil),"); continue
//     corr = mp.sign(z) * mp.mpf('0.5')
//     zz = (z - corr)/sigma
//     p = 2*mp.ncdf(-abs(zz))
//     r = st.mannwhitneyu(a, b, use_continuity=True, alternative='two-sided', method='asymptotic')
//     assert float(u) == r.statistic and (abs(float(p)-r.pvalue) <= 1e-9*r.pvalue or float(p) < 1e-200), (u, p, r)
//     print(f"    MannWhitneyRow(a: {a if len(a) < 20 else 'farA'}, b: {b if len(b) < 20 else 'farB'}, "
//           f"u: {f(u)}, p: {f(p)}),")
//
