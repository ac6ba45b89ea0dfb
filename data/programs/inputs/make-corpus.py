# Writes the input of data/programs/xz.yaml: 8 MB of text from a small vocabulary, the same every time.
import random
import sys

rng = random.Random(4141)
words = ["%s%d" % (w, i) for i in range(400) for w in ("alpha", "beta", "gamma", "delta", "eps")]
with open(sys.argv[1], "w") as out:
    written = 0
    while written < 8 * 1024 * 1024:
        line = " ".join(rng.choice(words) for _ in range(rng.randrange(5, 20))) + "\n"
        out.write(line)
        written += len(line)
