# Writes the JSON input of data/programs/jq.yaml: an array of 100,000 records, the same every time.
import json
import random
import sys

rng = random.Random(4141)
records = [{"id": i, "name": "user-%d" % rng.randrange(1000000), "score": round(rng.random(), 6),
            "tags": ["t%d" % rng.randrange(40) for _ in range(rng.randrange(6))],
            "address": {"city": "city-%d" % rng.randrange(300), "zip": "%05d" % rng.randrange(100000)}}
           for i in range(100000)]
with open(sys.argv[1], "w") as out:
    json.dump(records, out)
