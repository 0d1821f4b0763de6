"""Fits the learned ranking and refusal for scripts/train-ranker.ts (which writes the feature rows).

    python3 scripts/train_ranker.py ranker <work folder>   # rankers.json: per-half and full rankings
    python3 scripts/train_ranker.py answer <work folder> <learned|hand>   # answer-<ranking>.json: the scores and refusal for that ranking's order

Debian's python3-xgboost, python3-sklearn and python3-numpy; single-threaded with fixed seeds, so
every run writes the same files. Only training needs Python: the bot reads the JSON it leads to.
"""
import json
import math
import os
import sys

import numpy as np
import xgboost as xgb
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

SEED = 20261123
# The ranking: LambdaMART (xgboost rank:ndcg) with these settings, chosen on validation hit@1
# among the ones listed in RANKER_GRID (see README).
RANKER_GRID = [
    {"max_depth": 4, "eta": 0.1, "rounds": 300, "min_child_weight": 1.0},
    {"max_depth": 6, "eta": 0.1, "rounds": 300, "min_child_weight": 5.0},
]
ANSWER_PARAMS = {"max_depth": 3, "eta": 0.05, "rounds": 300, "min_child_weight": 5.0}
# At most this share of answerable validation questions (SQuAD's wording and chat-style copies
# together) may be refused: the threshold is the highest probability that keeps to it.
MAX_ANSWERABLE_REFUSED = 0.05
# Points of the isotonic calibration kept in the shipped map (evenly through its steps).
CALIBRATION_POINTS = 200


def log(line):
    sys.stderr.write(f"{line}\n")
    sys.stderr.flush()


def load(work, name):
    with open(os.path.join(work, f"{name}.json")) as f:
        meta = json.load(f)
    rows = np.fromfile(os.path.join(work, f"{name}.f32"), dtype=np.float32).reshape(-1, len(meta["features"]))
    return meta, rows


def xgb_params(params, objective):
    return {
        "objective": objective,
        "max_depth": params["max_depth"],
        "eta": params["eta"],
        "min_child_weight": params["min_child_weight"],
        "tree_method": "hist",
        "nthread": 1,
        "seed": SEED,
        "subsample": 1.0,
        "colsample_bytree": 1.0,
        **({"eval_metric": "ndcg@1"} if objective.startswith("rank") else {"eval_metric": "logloss"}),
    }


def ranking_data(meta, rows, keep):
    """Rows and labels of the kept groups that have a relevant candidate, with their group sizes."""
    index, labels, sizes = [], [], []
    for group in meta["groups"]:
        if not keep(group) or not group["relevant"] or group["count"] == 0:
            continue
        start, count = group["start"], group["count"]
        index.extend(range(start, start + count))
        label = np.zeros(count, dtype=np.float32)
        label[group["relevant"]] = 1
        labels.append(label)
        sizes.append(count)
    return rows[index], np.concatenate(labels), sizes


def fit_trees(meta, rows, keep, params):
    x, y, sizes = ranking_data(meta, rows, keep)
    matrix = xgb.DMatrix(x, label=y)
    matrix.set_group(sizes)
    return xgb.train(xgb_params(params, "rank:ndcg"), matrix, num_boost_round=params["rounds"])


def fit_linear(meta, rows, keep):
    """A pointwise logistic model of relevance, for comparison."""
    x, y, _ = ranking_data(meta, rows, keep)
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(max_iter=2000, C=1.0).fit(scaler.transform(x), y)
    return {
        "kind": "linear",
        "features": meta["features"],
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) if v > 1e-12 else 1.0 for v in scaler.scale_],
        "weights": [float(v) for v in model.coef_[0]],
        "bias": float(model.intercept_[0]),
    }


def linear_scores(model, rows):
    scale = np.array(model["scale"], dtype=np.float64)
    scale[scale <= 1e-12] = 1.0
    return ((rows - np.array(model["mean"])) / scale) @ np.array(model["weights"]) + model["bias"]


def trees_json(booster, features, objective):
    """The booster as our tree format: per node feature (-1 leaf), threshold (leaf value), children."""
    raw = json.loads(booster.save_raw("json").decode())
    learner = raw["learner"]
    base_score = float(learner["learner_model_param"]["base_score"])
    base = math.log(base_score / (1 - base_score)) if objective == "binary:logistic" else base_score
    trees = []
    for tree in learner["gradient_booster"]["model"]["trees"]:
        left, right = tree["left_children"], tree["right_children"]
        feature = [-1 if left[i] == -1 else tree["split_indices"][i] for i in range(len(left))]
        threshold = [float(v) for v in tree["split_conditions"]]
        trees.append({"feature": feature, "threshold": threshold, "left": [max(0, v) for v in left], "right": [max(0, v) for v in right]})
    return {"kind": "trees", "features": features, "base": base, "trees": trees}


def hit_at_1(meta, scores, keep):
    hits, total = 0, 0
    for group in meta["groups"]:
        if not keep(group) or not group["answerable"]:
            continue
        total += 1
        if group["count"] == 0:
            continue
        s = scores[group["start"] : group["start"] + group["count"]]
        if int(np.argmax(s)) in group["relevant"]:
            hits += 1
    return hits / max(1, total)


def ranker(work):
    train_meta, train_rows = load(work, "train-candidates")
    val_meta, val_rows = load(work, "validation-candidates")
    features = train_meta["features"]
    articles = sorted({group["article"] for group in train_meta["groups"]}, key=lambda a: (len(a), a))
    fold_of = {article: str(i % 2) for i, article in enumerate(articles)}
    val_matrix = xgb.DMatrix(val_rows)
    original = lambda g: not g["chat"]
    chat = lambda g: g["chat"]
    figures = {"candidates": {"train": int(train_rows.shape[0]), "validation": int(val_rows.shape[0])}}

    linear = fit_linear(train_meta, train_rows, lambda g: True)
    s = linear_scores(linear, val_rows)
    figures["linear"] = {"validationHitAt1": round(hit_at_1(val_meta, s, original), 4), "validationChatHitAt1": round(hit_at_1(val_meta, s, chat), 4)}
    log(f"ranker, pointwise logistic: {figures['linear']}")

    best = None
    figures["grid"] = []
    for params in RANKER_GRID:
        booster = fit_trees(train_meta, train_rows, lambda g: True, params)
        s = booster.predict(val_matrix)
        result = {**params, "validationHitAt1": round(hit_at_1(val_meta, s, original), 4), "validationChatHitAt1": round(hit_at_1(val_meta, s, chat), 4)}
        figures["grid"].append(result)
        log(f"ranker, trees: {result}")
        score = result["validationHitAt1"] + result["validationChatHitAt1"]
        if best is None or score > best[0]:
            best = (score, params, booster, result)
    _, params, full, result = best
    folds = {}
    for fold in ("0", "1"):
        folds[fold] = trees_json(fit_trees(train_meta, train_rows, lambda g, fold=fold: fold_of[g["article"]] != fold, params), features, "rank:ndcg")
        log(f"ranker for train fold {fold} fitted")
    out = {"full": trees_json(full, features, "rank:ndcg"), "folds": folds, "foldOf": fold_of, "params": params, "figures": figures, "chosen": result}
    with open(os.path.join(work, "rankers.json"), "w") as f:
        json.dump(out, f)


def refusal_figures(probabilities, questions, threshold):
    out = {}
    for name, keep in (("written", lambda q: not q["chat"]), ("chat", lambda q: q["chat"])):
        picked = [(p, q) for p, q in zip(probabilities, questions) if keep(q)]
        answerable = [(p, q) for p, q in picked if q["answerable"]]
        unanswerable = [(p, q) for p, q in picked if not q["answerable"]]
        out[name] = {
            "hitAt1": round(sum(q["answers"] for _, q in answerable) / max(1, len(answerable)), 4),
            "refusedUnanswerable": f"{sum(p < threshold for p, _ in unanswerable)}/{len(unanswerable)}",
            "refusedAnswerable": f"{sum(p < threshold for p, _ in answerable)}/{len(answerable)}",
            "precisionWhenAnswered": round(sum(q["answers"] for p, q in picked if p >= threshold) / max(1, sum(p >= threshold for p, _ in picked)), 4),
        }
    return out


def reliability(probabilities, outcomes, bins=10):
    table, ece = [], 0.0
    probabilities, outcomes = np.asarray(probabilities), np.asarray(outcomes, dtype=np.float64)
    for b in range(bins):
        mask = (probabilities >= b / bins) & ((probabilities < (b + 1) / bins) if b < bins - 1 else (probabilities <= 1))
        if mask.sum() == 0:
            continue
        predicted, observed = float(probabilities[mask].mean()), float(outcomes[mask].mean())
        ece += mask.sum() / len(probabilities) * abs(predicted - observed)
        table.append({"bin": f"{b / bins:.1f}–{(b + 1) / bins:.1f}", "count": int(mask.sum()), "predicted": round(predicted, 3), "observed": round(observed, 3)})
    return round(float(ece), 4), table


def isotonic_map(raw, outcomes):
    """An isotonic calibration of raw values, as the shipped monotone map (at most CALIBRATION_POINTS points)."""
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(raw, outcomes)
    xs, ys = iso.X_thresholds_, iso.y_thresholds_
    if len(xs) > CALIBRATION_POINTS:
        pick = np.unique(np.linspace(0, len(xs) - 1, CALIBRATION_POINTS).round().astype(int))
        xs, ys = xs[pick], ys[pick]
    return {"x": [float(v) for v in xs], "y": [float(v) for v in ys]}


def cross_calibrated(raw, outcomes):
    """Isotonic calibration fitted on one half and applied to the other, both ways: honest figures."""
    halves = np.arange(len(raw)) % 2
    out = np.zeros(len(raw))
    for half in (0, 1):
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(raw[halves != half], outcomes[halves != half])
        out[halves == half] = iso.predict(raw[halves == half])
    return out


def fit_binary(x, y, params):
    return xgb.train(xgb_params(params, "binary:logistic"), xgb.DMatrix(x, label=y), num_boost_round=params["rounds"])


def answer(work, ranking):
    train_meta, train_rows = load(work, f"train-answer-{ranking}")
    val_meta, val_rows = load(work, f"validation-answer-{ranking}")
    features = train_meta["features"]
    keep_train = [i for i, q in enumerate(train_meta["questions"]) if not q["empty"]]
    keep_val = [i for i, q in enumerate(val_meta["questions"]) if not q["empty"]]
    x = train_rows[keep_train]
    train_questions = [train_meta["questions"][i] for i in keep_train]
    val_questions = [val_meta["questions"][i] for i in keep_val]
    vx = val_rows[keep_val]
    answerable_train = np.array([q["answerable"] for q in train_questions], dtype=np.float32)
    answerable_val = np.array([q["answerable"] for q in val_questions], dtype=np.float64)
    params = ANSWER_PARAMS

    # The score: P(this quote answers the question), for each of the first quotes at its place.
    score_train_meta, score_train_rows = load(work, f"train-score-{ranking}")
    score_val_meta, score_val_rows = load(work, f"validation-score-{ranking}")
    score_y = np.array([q["answers"] for q in score_train_meta["quotes"]], dtype=np.float32)
    score_val_y = np.array([q["answers"] for q in score_val_meta["quotes"]], dtype=np.float64)
    score_booster = fit_binary(score_train_rows, score_y, params)
    score_raw = score_booster.predict(xgb.DMatrix(score_val_rows), output_margin=True).astype(np.float64)
    ece, table = reliability(cross_calibrated(score_raw, score_val_y), score_val_y)
    score_calibration = isotonic_map(score_raw, score_val_y)
    place = features.index("place")
    first = score_val_rows[:, place] == 0
    first_ece, first_table = reliability(cross_calibrated(score_raw[first], score_val_y[first]), score_val_y[first])

    # The refusal: P(the articles answer the question at all). Trained on that, not on whether our
    # first quote is right: a question the articles answer is not refused for our ranking's miss
    # (its closest quotes are still shown, with their scores), and at the same share of answerable
    # questions refused it turns away far more of the unanswerable ones (see README).
    refusal_booster = fit_binary(x, answerable_train, params)
    refusal_raw = refusal_booster.predict(xgb.DMatrix(vx), output_margin=True).astype(np.float64)
    refusal_calibration = isotonic_map(refusal_raw, answerable_val)
    refusal_ece, refusal_table = reliability(cross_calibrated(refusal_raw, answerable_val), answerable_val)
    probabilities = np.interp(refusal_raw, refusal_calibration["x"], refusal_calibration["y"])
    answerable = np.sort(probabilities[answerable_val == 1])
    threshold = float(answerable[int(math.floor(len(answerable) * MAX_ANSWERABLE_REFUSED))])
    figures = {
        "validation": refusal_figures(probabilities, val_questions, threshold),
        "score": {"expectedCalibrationError": ece, "reliability": table, "firstQuote": {"expectedCalibrationError": first_ece, "reliability": first_table}},
        "refusal": {"expectedCalibrationError": refusal_ece, "reliability": refusal_table},
        "calibration": "isotonic on validation; ECE and reliability fitted on one half of validation and measured on the other",
    }
    log(json.dumps(figures, indent=1, ensure_ascii=False))
    out = {
        "answer": trees_json(score_booster, features, "binary:logistic"),
        "calibration": score_calibration,
        "refusal": trees_json(refusal_booster, features, "binary:logistic"),
        "refusalCalibration": refusal_calibration,
        "threshold": threshold,
        "figures": figures,
        "fit": {"answer": params, "maxAnswerableRefused": MAX_ANSWERABLE_REFUSED},
    }
    with open(os.path.join(work, f"answer-{ranking}.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    step, work = sys.argv[1], sys.argv[2]
    if step == "ranker":
        ranker(work)
    else:
        answer(work, sys.argv[3])
