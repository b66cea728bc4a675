"""Writes the embeddings python computes for a few crops of one synthetic site, for the extractor's
DefaultModelTest: Java regenerates the same site, cuts its crops with the extractor and embeds them through DJL,
and must get these numbers, so Java and python agree on crops, channel order and layout.

    ./screen crops --out /tmp/cellembed-fixture --seeds 7 --wells 96 --sites 1 --size 256 --crop 40
    /usr/bin/python3 models/java_fixture.py --crops /tmp/cellembed-fixture --model models/cellembed/1 \\
        --out feature-extractor/src/test/resources/default-model/expected-embeddings.json
    ./screen crops --out /tmp/cellembed2-fixture --seeds 7 --wells 96 --sites 1 --size 256 --crop 64 \\
        --normalization "fixed 0-0.125"
    /usr/bin/python3 models/java_fixture.py --crops /tmp/cellembed2-fixture --model models/cellembed/2 \\
        --out feature-extractor/src/test/resources/default-model/expected-embeddings-cellembed-2.json

The crops must be cut as the model's model.json says (cropSize, normalization): the script refuses others.
"""

import argparse
import hashlib
import json

import numpy as np
import torch

import common


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--crops", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--well", default="A03")
    p.add_argument("--count", type=int, default=4)
    args = p.parse_args()
    torch.set_num_threads(1)
    crops, _, index = common.load_crops(args.crops)
    with open(args.model + "/model.json") as f:
        spec = json.load(f)
    method = lambda text: text.split(":")[0].split(";")[0]  # noqa: E731 (the part CropNormalization reads)
    if index["cropSize"] != spec["cropSize"] or method(index["normalization"]) != method(spec["normalization"]):
        raise SystemExit("crops are %d px, '%s'; the model wants %d px, '%s'" % (
            index["cropSize"], method(index["normalization"]), spec["cropSize"], method(spec["normalization"])))
    site = next(s for s in index["sites"] if s["well"] == args.well and s["site"] == 0)
    first, n = site["firstCrop"], min(args.count, site["crops"])
    x = np.array(crops[first:first + n])
    with open(args.model + "/model.pt", "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    model = torch.jit.load(args.model + "/model.pt")
    with torch.no_grad():
        emb = model(torch.from_numpy(x)).numpy()
    synth = index["synth"]
    fixture = {
        "modelSha256": digest,
        "synth": {"seed": synth["seeds"][0], "plate": site["plate"], "wells": synth["wells"],
                  "sitesPerWell": synth["sitesPerWell"], "imageSize": synth["imageSize"]},
        "well": site["well"], "site": site["site"], "cellCount": site["cellCount"],
        "channels": index["channels"], "cropSize": index["cropSize"],
        "crops": [{"index": i, "channelSums": [float(v) for v in x[i].sum(axis=(1, 2))],
                   "embedding": [float(v) for v in emb[i]]} for i in range(n)],
    }
    with open(args.out, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote %d crops of %s %s to %s" % (n, site["plate"], site["well"], args.out))


if __name__ == "__main__":
    main()
