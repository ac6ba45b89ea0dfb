# Writes the SMT-LIB 2 problem of data/programs/z3.yaml: a random 3-SAT instance near the satisfiability threshold
# (260 variables, 1,110 clauses) as Boolean constraints, the same every time.
import random
import sys

rng = random.Random(4141)
n, m = 260, 1110
with open(sys.argv[1], "w") as out:
    for v in range(n):
        out.write("(declare-const x%d Bool)\n" % v)
    for _ in range(m):
        lits = rng.sample(range(n), 3)
        out.write("(assert (or %s))\n" % " ".join(("x%d" % v) if rng.random() < 0.5 else ("(not x%d)" % v) for v in lits))
    out.write("(check-sat)\n")
