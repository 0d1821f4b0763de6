"""Fits static word vectors for retrieval (called by `npm run train:model`; see train-model.ts).

Reads from the work folder: start.f32 (the GloVe-SIF rows), squad.json (train and validation
questions with their answer sentence, as rows of start.f32), wordnet.json (synonym and antonym
pairs). Writes trained.f32 (same shape). CPU only, fixed seeds, deterministic thread count.

A sentence's vector is the sum of its words' rows (the pipeline's mean pooling, normalised: the
same direction). The loss, per batch of questions:
  - InfoNCE (temperature TAU) of each question against its answer sentence, with every other
    answer sentence in the batch and one other sentence of the same article as negatives;
  - WordNet: synonyms pulled to cosine >= SYN_MARGIN, antonyms pushed to cosine <= ANT_MARGIN
    (counter-fitting, Mrksic et al. 2016), on a sample of pairs each step;
  - ANCHOR * the squared distance from their start of the rows the step uses (what the data does not move
    stays GloVe, so words SQuAD never uses keep their place among the others).
After each epoch: recall of the answer sentence among all validation sentences (vector only),
to pick nothing but to report; the last epoch's vectors are written.
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch

TAU = 0.05
SYN_MARGIN = 0.6
ANT_MARGIN = 0.0
WORDNET_WEIGHT = 0.2
ANCHOR = 1e-4
BATCH = 256
PAIRS_PER_STEP = 512
LEARNING_RATE = 3e-3
SEED = 20261123


def bags(rows_list):
    """Flat ids and offsets for EmbeddingBag."""
    offsets, flat = [], []
    for ids in rows_list:
        offsets.append(len(flat))
        flat.extend(ids)
    return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


def embed(weight, rows_list):
    flat, offsets = bags(rows_list)
    out = torch.nn.functional.embedding_bag(flat, weight, offsets, mode="sum", sparse=weight.requires_grad)
    return torch.nn.functional.normalize(out, dim=1)


def rows(weight, ids):
    """Rows by id with a sparse gradient (only the rows a step uses are updated)."""
    return torch.nn.functional.embedding(ids, weight, sparse=True)


def recall(weight, split, ks=(1, 5, 40)):
    """Share of questions whose answer sentence is in the top k of all the split's sentences."""
    with torch.no_grad():
        weight = weight.detach()
        sentences = embed(weight, split["sentences"])
        questions = split["questions"]
        hits = {k: 0 for k in ks}
        for start in range(0, len(questions), 512):
            chunk = questions[start:start + 512]
            q = embed(weight, [item[0] for item in chunk])
            scores = q @ sentences.T
            gold = torch.tensor([item[1] for item in chunk])
            gold_scores = scores[torch.arange(len(chunk)), gold].unsqueeze(1)
            rank = (scores > gold_scores).sum(dim=1)
            for k in ks:
                hits[k] += int((rank < k).sum())
        return {f"r@{k}": round(hits[k] / len(questions), 4) for k in ks}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", default="trained.f32")
    parser.add_argument("--tau", type=float, default=TAU)
    parser.add_argument("--anchor", type=float, default=ANCHOR)
    parser.add_argument("--wordnet", type=float, default=WORDNET_WEIGHT)
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    args = parser.parse_args()
    torch.manual_seed(SEED)
    random.seed(SEED)
    torch.set_num_threads(2)
    work = args.work

    with open(os.path.join(work, "squad.json")) as f:
        squad = json.load(f)
    with open(os.path.join(work, "wordnet.json")) as f:
        wordnet = json.load(f)
    start = np.fromfile(os.path.join(work, "start.f32"), dtype=np.float32)
    train, validation = squad["train"], squad["validation"]
    with open(os.path.join(work, "meta.json")) as f:
        meta = json.load(f)
    n_words, dims = meta["words"], meta["dims"]
    start_t = torch.from_numpy(start.reshape(n_words, dims).copy())
    weight = torch.nn.Parameter(start_t.clone())
    optimiser = torch.optim.SparseAdam([weight], lr=args.lr)
    synonyms = torch.tensor(wordnet["synonyms"], dtype=torch.long)
    antonyms = torch.tensor(wordnet["antonyms"], dtype=torch.long)

    print(f"validation before: {recall(weight, validation)}", flush=True)
    items = train["questions"]
    sentences = train["sentences"]
    for epoch in range(args.epochs):
        began = time.time()
        random.shuffle(items)
        total = 0.0
        for at in range(0, len(items), BATCH):
            batch = items[at:at + BATCH]
            questions = [item[0] for item in batch]
            positives = [sentences[item[1]] for item in batch]
            negatives = []
            for _, gold, first, last in batch:
                other = gold
                if last - first > 1:
                    while other == gold:
                        other = random.randrange(first, last)
                negatives.append(sentences[other] if other != gold else [])
            q = embed(weight, questions)
            candidates = embed(weight, positives + negatives)
            logits = q @ candidates.T / args.tau
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))

            syn = synonyms[torch.randint(len(synonyms), (PAIRS_PER_STEP,))]
            ant = antonyms[torch.randint(len(antonyms), (PAIRS_PER_STEP,))]
            unit = torch.nn.functional.normalize
            syn_cos = (unit(rows(weight, syn[:, 0]), dim=1) * unit(rows(weight, syn[:, 1]), dim=1)).sum(dim=1)
            ant_cos = (unit(rows(weight, ant[:, 0]), dim=1) * unit(rows(weight, ant[:, 1]), dim=1)).sum(dim=1)
            lexical = torch.relu(SYN_MARGIN - syn_cos).mean() + torch.relu(ant_cos - ANT_MARGIN).mean()

            used = torch.unique(torch.cat([bags(questions + positives + negatives)[0], syn.flatten(), ant.flatten()]))
            anchor = ((rows(weight, used) - start_t[used]) ** 2).sum()
            objective = loss + args.wordnet * lexical + args.anchor * anchor
            optimiser.zero_grad()
            objective.backward()
            optimiser.step()
            total += float(loss) * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(items):.4f}, validation {recall(weight, validation)}, {time.time() - began:.0f} s", flush=True)

    weight.detach().numpy().astype(np.float32).tofile(os.path.join(work, args.out))


if __name__ == "__main__":
    main()
