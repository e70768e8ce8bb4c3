"""A character-level tokenizer in Hugging Face format: one token per character, offsets 1:1.

Full-width digits, Latin letters and signs are folded to their half-width forms (one character
to one character, so offsets are kept); every whitespace character becomes one
space token; characters
outside the vocabulary become ``[UNK]``.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

SPACE = "\ue000"  # a private-use character standing for any whitespace character
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", SPACE]
_WHITESPACE = (" ", "\n", "\t", "\r", "\u3000", "\xa0", "\u2002", "\u2003", "\u200b")
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}


def fold_char(char: str) -> str:
    """Return the vocabulary form of one character (full-width ASCII folded, whitespace -> SPACE)."""
    if char.isspace():
        return SPACE
    return _FULLWIDTH.get(char, char)


def build_vocab(texts: Iterable[str], min_count: int = 3, max_size: int = 8000) -> list[str]:
    """Return special tokens plus the most frequent characters of ``texts`` (after folding)."""
    counts = Counter()
    for text in texts:
        counts.update(fold_char(c) for c in text if not c.isspace())
    chars = [c for c, n in counts.most_common() if n >= min_count][: max_size - len(SPECIAL_TOKENS)]
    return SPECIAL_TOKENS + sorted(chars)


def char_tokenizer(vocab: list[str]):
    """Return a ``PreTrainedTokenizerFast`` that maps each character of a text to one token."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    ids = {token: i for i, token in enumerate(vocab)}
    model = Tokenizer(WordLevel(ids, unk_token="[UNK]"))
    # one character to one character, so offsets are kept: whitespace -> the [SP] entry
    model.normalizer = normalizers.Sequence(
        [normalizers.Replace(full, half) for full, half in _FULLWIDTH.items()]
        + [normalizers.Replace(ws, SPACE) for ws in _WHITESPACE])
    # every character is its own pre-token; whitespace characters too (mapped to [SP] below)
    model.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    model.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=model, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", model_max_length=512)
    return tokenizer
