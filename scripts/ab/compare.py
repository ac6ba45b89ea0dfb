"""Pairs the A/B rounds of scripts/ab/run.sh: for each metric, the median per build and, for every build after the
first, the geometric mean of its per-round ratios to the first with a 95% interval (t for the rounds' count).
    python3 scripts/ab/compare.py OUT BASE OTHER...
"""
import collections, csv, glob, math, os, statistics, sys

T95 = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26, 11: 2.23, 12: 2.20}


def ratio(values, base):
    rounds = [r for r in base if r in values]
    logs = [math.log(values[r] / base[r]) for r in rounds]
    if not logs:
        return "n/a"
    mean = statistics.mean(logs)
    half = T95.get(len(logs), 2.0) * statistics.stdev(logs) / math.sqrt(len(logs)) if len(logs) > 1 else 0.0
    return f"{math.exp(mean):.3f} [{math.exp(mean - half):.3f}, {math.exp(mean + half):.3f}]"


def main(out, builds):
    data = collections.defaultdict(lambda: collections.defaultdict(dict))
    for path in glob.glob(os.path.join(out, "*", "results.csv")):
        bench, build, rnd = os.path.basename(os.path.dirname(path)).rsplit("-", 2)
        per = collections.defaultdict(list)
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if row["status"] != "ok":
                    continue
                key = f"{bench} {row['allocator']} {row['threads']}t {row['sizes']}"
                for column in ["ns_per_op"] + [c for c in row if c.startswith("speed_") and c.endswith("_ns")]:
                    if row.get(column):
                        per[f"{key} {column}"].append(float(row[column]))
        for metric, values in per.items():
            data[metric][build][int(rnd)] = statistics.median(values)
    preloaded = os.path.join(out, "preloaded.txt")
    if os.path.exists(preloaded):
        with open(preloaded) as f:
            for line in f:
                build, rnd, _, pair, _, churn = line.split()
                data["preloaded C pair"][build][int(rnd)] = float(pair)
                data["preloaded C churn"][build][int(rnd)] = float(churn)
    base = builds[0]
    print("metric | " + " | ".join(builds) + " | " + " | ".join(f"{b}/{base}" for b in builds[1:]))
    for metric in sorted(data):
        d = data[metric]
        medians = [f"{statistics.median(d[b].values()):.2f}" if d[b] else "n/a" for b in builds]
        print(f"{metric} | " + " | ".join(medians) + " | " + " | ".join(ratio(d[b], d[base]) for b in builds[1:]))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: python3 scripts/ab/compare.py OUT BASE [OTHER...]: OUT is scripts/ab/run.sh's folder")
    main(sys.argv[1], sys.argv[2:])
