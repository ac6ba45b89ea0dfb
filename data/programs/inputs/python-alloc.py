# An allocation-heavy Python run for the program benchmark (data/programs/python3.yaml): objects, dicts, lists and
# strings made and dropped in waves, a JSON round trip and a sort. Run with PYTHONMALLOC=malloc, so that every
# object goes through malloc. Prints a summary that depends only on the work done.
import json
import random


class Node:
    __slots__ = ("key", "value", "children")

    def __init__(self, key, value):
        self.key = key
        self.value = value
        self.children = []


def tree(rng, depth, width):
    root = Node(0, "root")
    level = [root]
    for d in range(depth):
        nxt = []
        for node in level:
            for i in range(width):
                child = Node(node.key * width + i, "n%d-%d" % (d, i) * (1 + i % 3))
                node.children.append(child)
                nxt.append(child)
        level = nxt
    return root


def walk(node):
    total = len(node.value)
    for child in node.children:
        total += walk(child)
    return total


rng = random.Random(4141)
checksum = 0
for wave in range(4):
    records = [{"id": i, "name": "item-%d" % rng.randrange(100000), "tags": [str(rng.randrange(50)) for _ in range(i % 6)],
                "score": rng.random()} for i in range(12000)]
    index = {}
    for r in records:
        index.setdefault(r["name"][:6], []).append(r["id"])
    text = json.dumps(records)
    back = json.loads(text)
    back.sort(key=lambda r: (r["score"], r["id"]))
    checksum = (checksum * 31 + len(text) + len(index) + back[0]["id"] + walk(tree(rng, 5, 5))) % 1000000007
    words = " ".join(r["name"] for r in records).split()
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    checksum = (checksum + max(counts.values()) * len(counts)) % 1000000007
print("waves", 4, "checksum", checksum)
