"""Evaluates an embedding model on crops of synthetic plates it was not trained on (`./screen crops` with other
seeds), against the extractor's classical per-cell features of the same cells, and writes the figures into the
model's model.json ("metrics").

    /usr/bin/python3 models/evaluate.py --crops /tmp/cellembed-eval --model models/cellembed/1

Well profiles: per well (out-of-focus sites left out), the median over its cells of each embedding dimension (the extractor's site summary)
and of each classical feature plus the cell count (the extractor's site features); each plate's profiles are
robust z-scores against its DMSO wells (median, 1.4826 x MAD).

Hit detection: a well's activity is its Mahalanobis distance to the plate's DMSO wells (Ledoit-Wolf shrunk
covariance; each DMSO well scored leave-one-out, so controls are not judged by a fit that includes them). The
threshold is the 95th percentile of the DMSO scores, pooled over plates: a 5% control false-positive rate for
every profile. Reported per mechanism: the fraction of active treatment wells (true effect >= --active) above it.

Retrieval (as copairs' mean average precision): each active treatment well queries the other treatment and DMSO
wells of its plate, ranked by cosine similarity of profiles; positives are the other active wells of the same
compound (any dose), or only its replicate at the same dose.
"""

import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch

import common

PROFILES = ("embedding", "classical", "combined")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def embed(model, crops, batch=512):
    """Embeddings of all crops and the seconds per crop on one CPU thread."""
    out = []
    t0 = time.time()
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            out.append(model(torch.from_numpy(np.array(crops[i:i + batch]))).numpy())
    return np.concatenate(out), (time.time() - t0) / len(crops)


def well_table(index, emb, cells):
    """One row per (plate, well): labels, embedding median, classical median + cell count."""
    wells = {}
    for site in index["sites"]:
        if not site["inFocus"]:
            continue  # the extractor's QC flags blurred sites; neither profile should be judged on them
        key = (site["plate"], site["well"])
        w = wells.setdefault(key, dict(site, rows=[], cellCounts=[]))
        w["rows"].extend(range(site["firstCrop"], site["firstCrop"] + site["crops"]))
        w["cellCounts"].append(site["cellCount"])
    table = []
    for key in sorted(wells):
        w = wells[key]
        rows = np.array(w["rows"], dtype=int)
        if len(rows) == 0:
            e = np.full(emb.shape[1], np.nan)
            c = np.full(cells.shape[1], np.nan)
        else:
            e = np.median(emb[rows], axis=0)
            c = np.nanmedian(np.asarray(cells[rows], dtype=np.float64), axis=0)
        w["embedding"] = e
        w["classical"] = np.append(c, np.mean(w["cellCounts"]))
        table.append(w)
    return table


def robust_scale(x, control):
    """Median and 1.4826 x MAD of each column over the control rows."""
    med = np.nanmedian(x[control], axis=0)
    return med, 1.4826 * np.nanmedian(np.abs(x[control] - med), axis=0)


def robust_z(x, plates, control):
    """Per plate robust z-scores against its controls; columns that are constant over the controls of any
    plate (a dead unit, a feature the synthetic images never vary) are left out everywhere."""
    keep = np.ones(x.shape[1], dtype=bool)
    for plate in sorted(set(plates)):
        keep &= robust_scale(x[plates == plate], control[plates == plate])[1] > 1e-9
    z = np.zeros((x.shape[0], int(keep.sum())))
    for plate in sorted(set(plates)):
        rows = plates == plate
        med, mad = robust_scale(x[rows][:, keep], control[rows])
        z[rows] = (x[rows][:, keep] - med) / mad
    return np.nan_to_num(z, nan=0.0)


def ledoit_wolf(x):
    """Mean and Ledoit-Wolf shrunk covariance of the rows of x (as sklearn.covariance.ledoit_wolf)."""
    n, p = x.shape
    mean = x.mean(axis=0)
    xc = x - mean
    s = xc.T @ xc / n
    mu = np.trace(s) / p
    x2 = xc ** 2
    beta_ = np.sum(x2.T @ x2)
    delta_ = np.sum(s ** 2)
    delta = (delta_ - 2 * mu * np.trace(s) + p * mu ** 2) / p
    beta = min((beta_ / n - delta_) / (p * n), delta)
    shrink = 0.0 if beta == 0 else beta / delta
    return mean, (1 - shrink) * s + shrink * mu * np.eye(p)


def mahalanobis(x, ref):
    """Distance of the rows of x to the distribution of the rows of ref. Columns are scaled to unit variance
    over ref first, so the shrinkage pulls towards a diagonal covariance rather than towards one shared
    variance that a single wide column would set."""
    sd = np.maximum(ref.std(axis=0), 1e-9)
    mean, cov = ledoit_wolf(ref / sd)
    inv = np.linalg.pinv(cov)
    d = x / sd - mean
    return np.sqrt(np.maximum(0, np.einsum("ij,jk,ik->i", d, inv, d)))


def activity(z, control):
    """Distance of each well to the controls; controls leave-one-out."""
    score = mahalanobis(z, z[control])
    idx = np.flatnonzero(control)
    for i in idx:
        others = idx[idx != i]
        score[i] = mahalanobis(z[i:i + 1], z[others])[0]
    return score


def average_precision(sim, positive):
    order = np.argsort(-sim, kind="stable")
    hits = positive[order]
    if hits.sum() == 0:
        return np.nan
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(precision * hits) / hits.sum())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--crops", required=True, help="folder written by ./screen crops (evaluation plates)")
    p.add_argument("--model", required=True, help="model folder (model.pt + model.json)")
    p.add_argument("--active", type=float, default=0.3, help="true effect from which a treatment well is active")
    p.add_argument("--fpr", type=float, default=0.05, help="control false-positive rate of the threshold")
    p.add_argument("--djl-ms-per-crop", type=float, help="the extractor's cost per crop as DefaultModelTest printed it")
    p.add_argument("--no-write", action="store_true", help="print only; leave model.json as it is")
    args = p.parse_args()
    torch.set_num_threads(1)

    crops, cells, index = common.load_crops(args.crops)
    spec_path = os.path.join(args.model, "model.json")
    with open(spec_path) as f:
        spec = json.load(f)
    method = lambda text: text.split(":")[0].split(";")[0]  # noqa: E731 (the part the extractor's CropNormalization reads)
    if index["cropSize"] != spec["cropSize"] or method(index["normalization"]) != method(spec["normalization"]):
        raise SystemExit("crops are %d px, '%s'; the model wants %d px, '%s': cut them as its model.json says" % (
            index["cropSize"], method(index["normalization"]), spec["cropSize"], method(spec["normalization"])))
    model_path = os.path.join(args.model, "model.pt")
    digest = sha256(model_path)
    if digest != spec["sha256"]:
        raise SystemExit("%s has sha256 %s but model.json says %s" % (model_path, digest, spec["sha256"]))
    model = torch.jit.load(model_path)
    emb, seconds_per_crop = embed(model, crops)
    print("embedded %d crops, %.3f ms per crop (python, 1 thread, batch 512)" % (len(emb), 1e3 * seconds_per_crop))

    table = well_table(index, emb, cells)
    plates = np.array([w["plate"] for w in table])
    role = np.array([w["role"] for w in table])
    mech = np.array([w["mechanism"] for w in table])
    effect = np.array([w["effect"] for w in table])
    compound = np.array([w["plate"] + "/" + w["compound"] for w in table])
    dose = np.array([w["dose"] for w in table])
    control = role == "negative_control"
    treated = role == "treatment"
    active = treated & (effect >= args.active) & (mech != "inactive")

    profiles = {"embedding": robust_z(np.stack([w["embedding"] for w in table]), plates, control),
                "classical": robust_z(np.stack([w["classical"] for w in table]), plates, control)}
    # each block weighs the same in cosine similarity whatever its length
    profiles["combined"] = np.hstack([profiles[n] / np.sqrt(profiles[n].shape[1]) for n in ("embedding", "classical")])
    scores = {name: np.zeros(len(table)) for name in PROFILES}
    for plate in sorted(set(plates)):
        rows = plates == plate
        for name in PROFILES:
            scores[name][rows] = activity(profiles[name][rows], control[rows])
    print("profile lengths: " + ", ".join("%s %d" % (n, profiles[n].shape[1]) for n in PROFILES))

    norm = method(index["normalization"])
    metrics = {"evaluationData": {"command": "./screen crops --out <dir> --seeds %s --wells %d --sites %d "
                                             "--size %d --crop %d%s"
                                             % (",".join(str(s) for s in index["synth"]["seeds"]),
                                                index["synth"]["wells"], index["synth"]["sitesPerWell"],
                                                index["synth"]["imageSize"], index["cropSize"],
                                                "" if norm == "CellCropper" else ' --normalization "%s"' % norm),
                                  "wells": len(table), "crops": int(len(emb)),
                                  "activeEffectAtLeast": args.active},
               "controlFalsePositiveRate": args.fpr, "detection": {}, "retrieval": {},
               "pythonMillisPerCrop": round(1e3 * seconds_per_crop, 3)}
    if args.djl_ms_per_crop is not None:
        metrics["djlMillisPerCrop"] = args.djl_ms_per_crop
    groups = [(m, active & (mech == m)) for m in ("translocation", "nuclear_enlargement", "cytotoxic")]
    groups += [("all active", active), ("positive control", role == "positive_control"),
               ("inactive compounds (false positives)", treated & (mech == "inactive"))]
    print("\nFraction of wells above the %.0f%% control false-positive threshold:" % (100 * args.fpr))
    print("| wells | n | " + " | ".join(PROFILES) + " |")
    print("| --- | --- |" + " --- |" * len(PROFILES))
    thresholds = {name: float(np.quantile(scores[name][control], 1 - args.fpr)) for name in PROFILES}
    for label, rows in groups:
        fractions = {name: float(np.mean(scores[name][rows] > thresholds[name])) for name in PROFILES}
        metrics["detection"][label] = dict(n=int(rows.sum()), **{k: round(v, 3) for k, v in fractions.items()})
        print("| %s | %d | %s |" % (label, rows.sum(), " | ".join("%.3f" % fractions[n] for n in PROFILES)))

    print("\nmAP of active treatment wells (cosine similarity of profiles):")
    print("| positives | queries | random | " + " | ".join(PROFILES) + " |")
    print("| --- | --- | --- |" + " --- |" * len(PROFILES))
    for label, same_dose in (("same compound, any active dose", False), ("replicate at the same dose", True)):
        aps = {name: [] for name in PROFILES}
        chance = []
        for q in np.flatnonzero(active):
            pool = (plates == plates[q]) & (treated | control)
            pool[q] = False
            positive = active & (compound == compound[q])
            if same_dose:
                positive &= dose == dose[q]
            positive = positive[pool]
            if positive.sum() == 0:
                continue
            chance.append(positive.mean())
            for name in PROFILES:
                x = profiles[name]
                unit = x / np.maximum(1e-12, np.linalg.norm(x, axis=1, keepdims=True))
                aps[name].append(average_precision(unit[pool] @ unit[q], positive))
        m = {name: round(float(np.mean(aps[name])), 3) for name in PROFILES}
        metrics["retrieval"][label] = dict(queries=len(chance), random=round(float(np.mean(chance)), 3), **m)
        print("| %s | %d | %.3f | %s |" % (label, len(chance), np.mean(chance),
                                          " | ".join("%.3f" % m[n] for n in PROFILES)))

    if not args.no_write:
        spec["metrics"] = metrics
        spec["metricsSha256"] = digest
        with open(spec_path, "w") as f:
            json.dump(spec, f, indent=2)
            f.write("\n")
        print("\nmetrics written to %s" % spec_path)


if __name__ == "__main__":
    main()
