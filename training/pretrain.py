"""Masked-language-model pretraining of a compact character-level BERT on the report pool.

Candidate A of govie's encoder: a ``BertForMaskedLM`` trained from scratch with govie's
character tokenizer (one token per character). MLM logits are computed only at the masked
positions. Checkpoints (weights, optimizer, step, data position) are written atomically every
``--save-every`` steps and ``--resume`` continues from them; ``--time-budget`` stops cleanly.
Documents of the corpus dev/test splits and a held-out 3% of the pool are never trained on;
held-out MLM accuracy is reported against a unigram baseline (always the most frequent character).

Usage:
    python training/pretrain.py --reports ../shared/reports/raw --out runs/char-l4-h256 \
        --layers 4 --hidden 256 --heads 4 --seq-len 128 --batch 32 --max-steps 20000
    python training/pretrain.py ... --resume          # continue after a stop
    python training/pretrain.py ... --init-from training/encoders/char-l4-h256   # continue a committed export
    # domain-adaptive continuation of encoder B with its own tokenizer (new MLM head, trained alone first):
    python training/pretrain.py --reports ../shared/reports/raw --out runs/e5-dapt \
        --init-from training/encoders/e5-l4-h384 --seq-len 256 --batch 16 --lr 1e-4 --head-warmup 300
    python training/pretrain.py ... --export govie-encoders/char-l4-h256   # fp16 model + card
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from govie.tokenization import SPECIAL_TOKENS, build_vocab, char_tokenizer, fold_char  # noqa: E402


def _split_documents(reports: Path, corpus_dir: Path, seed: int):
    files = sorted(p for p in reports.glob("*.txt") if p.name != "README.txt")
    excluded = set()
    splits = corpus_dir / "splits.json"
    if splits.is_file():
        data = json.loads(splits.read_text(encoding="utf-8"))
        excluded = {f"{i}.txt" for name in ("dev", "test") for i in data.get(name, [])}
    pool = [p for p in files if p.name not in excluded]
    rng = random.Random(seed)
    rng.shuffle(pool)
    n_held = max(1, len(pool) * 3 // 100)
    return pool[n_held:], pool[:n_held], sorted(excluded)


def _encode(paths, tokenizer):
    """Concatenate the token ids of the documents, each followed by the separator token."""
    stoi = tokenizer.get_vocab()
    ids = []
    for p in paths:
        text = p.read_text(encoding="utf-8")
        if "[CLS]" in stoi:  # govie's character vocabulary (candidate A)
            ids.extend(stoi.get(fold_char(c), stoi["[UNK]"]) for c in text)
        else:
            ids.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        ids.append(tokenizer.sep_token_id)
    return torch.tensor(ids, dtype=torch.int32)


def _batch(stream, starts, seq_len, cls_id, sep_id):
    rows = [torch.cat([torch.tensor([cls_id], dtype=torch.int32), stream[s:s + seq_len - 2],
                       torch.tensor([sep_id], dtype=torch.int32)]) for s in starts]
    return torch.stack(rows).long()


def _mask(input_ids, ordinary, mask_id, rng, prob=0.15):
    """BERT masking: 15% of the non-special tokens, 80/10/10 mask/random ordinary token/kept."""
    labels = input_ids.clone()
    special = ~torch.isin(input_ids, ordinary)
    choose = (torch.rand(input_ids.shape, generator=rng) < prob) & ~special
    labels[~choose] = -100
    masked = input_ids.clone()
    roll = torch.rand(input_ids.shape, generator=rng)
    masked[choose & (roll < 0.8)] = mask_id
    random_ids = ordinary[torch.randint(0, len(ordinary), input_ids.shape, generator=rng)]
    swap = choose & (roll >= 0.8) & (roll < 0.9)
    masked[swap] = random_ids[swap]
    return masked, labels


def _mlm_loss(model, input_ids, labels):
    hidden = model.bert(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).last_hidden_state
    picked = labels != -100
    logits = model.cls(hidden[picked])
    target = labels[picked]
    loss = torch.nn.functional.cross_entropy(logits, target)
    correct = (logits.argmax(-1) == target).sum().item()
    return loss, correct, int(target.numel())


@torch.no_grad()
def evaluate(model, stream, args, tokenizer, ordinary, unigram_id, batches=40):
    model.eval()
    rng = torch.Generator().manual_seed(1234)
    span = args.seq_len - 2
    starts_all = list(range(0, max(1, len(stream) - span), span))
    random.Random(7).shuffle(starts_all)
    correct = total = base = 0
    for b in range(batches):
        starts = starts_all[b * args.batch:(b + 1) * args.batch]
        if not starts:
            break
        x = _batch(stream, starts, args.seq_len, tokenizer.cls_token_id, tokenizer.sep_token_id)
        masked, labels = _mask(x, ordinary, tokenizer.mask_token_id, rng)
        _, c, n = _mlm_loss(model, masked, labels)
        correct += c
        total += n
        base += int((labels[labels != -100] == unigram_id).sum())
    model.train()
    return {"mlm_accuracy": correct / max(1, total), "unigram_accuracy": base / max(1, total), "masked": total}


def _save_checkpoint(path: Path, model, optimizer, state):
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    torch.save({"optimizer": optimizer.state_dict(), **state}, tmp / "trainer_state.pt")
    old = path.with_name(path.name + ".old")
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--max-steps", type=int, default=20000)
    parser.add_argument("--save-every", type=int, default=500)
    parser.add_argument("--eval-every", type=int, default=1000)
    parser.add_argument("--time-budget", type=float, default=0, help="minutes; 0 = no limit")
    parser.add_argument("--vocab-size", type=int, default=7000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--init-from", type=Path,
                        help="start from an exported model or any BERT encoder directory (weights, tokenizer; "
                             "card.json steps if present); new optimizer")
    parser.add_argument("--head-warmup", type=int, default=0,
                        help="train only the MLM head for this many first steps (a new head on a trained encoder); "
                             "the encoder's warm-up and schedule start after them")
    parser.add_argument("--head-lr", type=float, help="learning rate of the MLM head (default: --lr)")
    parser.add_argument("--export", type=Path, help="write the fp16 model, tokenizer and card here and stop")
    args = parser.parse_args(argv)

    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    train_docs, held_docs, excluded = _split_documents(args.reports, args.corpus, args.seed)
    tok_dir = args.out / "tokenizer"
    if args.init_from and not tok_dir.is_dir():  # the encoder's own tokenizer files, unchanged
        tok_dir.mkdir()
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            if (args.init_from / name).is_file():
                shutil.copy2(args.init_from / name, tok_dir / name)
    if not tok_dir.is_dir():
        vocab = build_vocab((p.read_text(encoding="utf-8") for p in train_docs), max_size=args.vocab_size)
        char_tokenizer(vocab).save_pretrained(tok_dir)
    tokenizer = AutoTokenizer.from_pretrained(tok_dir)
    ids = tokenizer.get_vocab()
    special = set(tokenizer.all_special_ids) | {ids[t] for t in SPECIAL_TOKENS if t in ids}
    ordinary = torch.tensor(sorted(set(ids.values()) - special))
    train = _encode(train_docs, tokenizer)
    held = _encode(held_docs, tokenizer)
    counts = Counter(train.tolist())
    unigram_id = max((i for i in counts if i not in special), key=counts.__getitem__)
    ckpt = args.out / "checkpoint"
    if args.resume and ckpt.is_dir():
        model = BertForMaskedLM.from_pretrained(ckpt)
        state = torch.load(ckpt / "trainer_state.pt", weights_only=False)
    elif args.init_from:
        model = BertForMaskedLM.from_pretrained(args.init_from, dtype=torch.float32)
        card_path = args.init_from / "card.json"
        card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
        state = {"step": card.get("steps", 0), "seconds": card.get("train_seconds_2_cores", 0.0),
                 "history": card.get("history", []), "init_from": str(args.init_from)}
    else:
        config = BertConfig(vocab_size=len(ids), hidden_size=args.hidden, num_hidden_layers=args.layers,
                            num_attention_heads=args.heads, intermediate_size=4 * args.hidden,
                            max_position_embeddings=512, pad_token_id=ids["[PAD]"])
        model = BertForMaskedLM(config)
        state = {"step": 0, "seconds": 0.0, "history": []}
    if not args.export:  # the settings of the training run, for the card
        state["settings"] = {k: getattr(args, k) for k in ("batch", "seq_len", "lr", "head_lr", "head_warmup",
                                                             "warmup", "max_steps", "seed")}
    if args.export:
        return _export(model, tokenizer, args, state, held, ordinary, unigram_id, train, held_docs, excluded)
    encoder_params = list(model.bert.parameters())
    encoder_ids = {id(p) for p in encoder_params}
    head_params = [p for p in model.parameters() if id(p) not in encoder_ids]
    head_lr = args.head_lr or args.lr
    optimizer = torch.optim.AdamW([{"params": encoder_params, "lr": args.lr, "initial_lr": args.lr},
                                   {"params": head_params, "lr": head_lr, "initial_lr": head_lr}],
                                  weight_decay=0.01)
    if "optimizer" in state:
        optimizer.load_state_dict(state.pop("optimizer"))

    def lr_at(step, first=0):
        step -= first
        if step < args.warmup:
            return max(0, step + 1) / args.warmup
        total = args.max_steps - first - args.warmup
        return max(0.05, 0.5 * (1 + math.cos(math.pi * (step - args.warmup) / max(1, total))))

    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, [lambda step: lr_at(step, args.head_warmup), lr_at], last_epoch=state["step"] - 1)
    rng = torch.Generator().manual_seed(args.seed + state["step"])
    span = args.seq_len - 2
    start_time = time.time()
    model.train()
    print(f"train {len(train):,} tokens from {len(train_docs)} documents; held out {len(held):,} tokens "
          f"({len(held_docs)} documents); {sum(p.numel() for p in model.parameters()):,} parameters", flush=True)
    model.bert.requires_grad_(state["step"] >= args.head_warmup)  # the head trains alone first
    while state["step"] < args.max_steps:
        starts = torch.randint(0, len(train) - span, (args.batch,), generator=rng).tolist()
        x = _batch(train, starts, args.seq_len, tokenizer.cls_token_id, tokenizer.sep_token_id)
        masked, labels = _mask(x, ordinary, tokenizer.mask_token_id, rng)
        loss, _, _ = _mlm_loss(model, masked, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        state["step"] += 1
        step = state["step"]
        if step == args.head_warmup:
            model.bert.requires_grad_(True)
        if step % 100 == 0:
            elapsed = state["seconds"] + time.time() - start_time
            print(f"step {step} loss {loss.item():.3f} lr {scheduler.get_last_lr()[0]:.2e} "
                  f"{step * args.batch * args.seq_len / elapsed:.0f} tok/s", flush=True)
        if step % args.eval_every == 0:
            result = evaluate(model, held, args, tokenizer, ordinary, unigram_id)
            state["history"].append({"step": step, **result})
            print(f"eval step {step}: {result}", flush=True)
        out_of_time = args.time_budget and (time.time() - start_time) / 60 >= args.time_budget
        if step % args.save_every == 0 or out_of_time or step == args.max_steps:
            saved = dict(state, seconds=state["seconds"] + time.time() - start_time)
            _save_checkpoint(ckpt, model, optimizer, saved)
        if out_of_time:
            print(f"time budget reached at step {step}; resume with --resume", flush=True)
            break
    return 0


def _export(model, tokenizer, args, state, held, ordinary, unigram_id, train, held_docs, excluded):
    result = evaluate(model, held, args, tokenizer, ordinary, unigram_id, batches=100)
    model.half()
    dest = args.export
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    for path in (args.out / "tokenizer").iterdir():
        shutil.copy2(path, tmp / path.name)
    size = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file())
    card = {
        "name": dest.name,
        "architecture": (f"BertForMaskedLM, MLM continued by govie from {state['init_from']}" if state.get("init_from")
                         else "BertForMaskedLM (char-level), trained from scratch by govie"),
        "layers": model.config.num_hidden_layers, "hidden": model.config.hidden_size,
        "heads": model.config.num_attention_heads, "vocab_size": model.config.vocab_size,
        "data": f"{args.reports} ({len(train):,} training tokens); held out: {len(held_docs)} documents "
                f"and the {len(excluded)} corpus dev/test documents",
        "steps": state["step"], **state.get("settings", {"batch": args.batch, "seq_len": args.seq_len, "lr": args.lr}),
        "train_seconds_2_cores": round(state.get("seconds", 0)),
        "held_out": result, "size_bytes": size, "history": state.get("history", []),
        "licence": (f"MIT (continued by govie on public government reports from {state['init_from']}, see its card)"
                    if state.get("init_from") else "MIT (weights trained by govie on public government reports)"),
    }
    (tmp / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)
    print(json.dumps({k: v for k, v in card.items() if k != "history"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
