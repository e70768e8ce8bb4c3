"""Inference of a plain BERT token classifier without importing transformers.

Importing transformers' model code costs about 3 s of a cold start; the tagger only needs the
forward pass of ``BertForTokenClassification`` (absolute positions), so saved checkpoints of that
shape are read directly: weights from ``model.safetensors`` (same parameter names), tokens from
``tokenizer.json`` through ``tokenizers``. Any other checkpoint goes through transformers.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import Errors, GovieError

_ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh")}
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def supports(path: str | Path) -> bool:
    """Return whether the checkpoint in ``path`` can run on :class:`BertTokenClassifier`."""
    p = Path(path)
    if not all((p / name).is_file() for name in ("config.json", "model.safetensors", "tokenizer.json",
                                                  "tokenizer_config.json")):
        return False
    config = json.loads((p / "config.json").read_text(encoding="utf-8"))
    return (config.get("model_type") == "bert"
            and config.get("architectures") == ["BertForTokenClassification"]
            and config.get("position_embedding_type", "absolute") == "absolute"
            and config.get("hidden_act") in _ACTIVATIONS
            and not config.get("is_decoder", False))


class FastTokenizer:
    """The subset of a Hugging Face fast tokenizer the tagger uses, over ``tokenizers.Tokenizer``."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer

        self.files = {name: (path / name).read_bytes() for name in _TOKENIZER_FILES if (path / name).is_file()}
        self._tokenizer = Tokenizer.from_str(self.files["tokenizer.json"].decode("utf-8"))
        settings = json.loads(self.files["tokenizer_config.json"])
        ids = {}
        for role in ("cls", "sep", "pad"):
            token = settings.get(f"{role}_token")
            token = token.get("content") if isinstance(token, dict) else token
            ids[role] = self._tokenizer.token_to_id(token) if token is not None else None
            if ids[role] is None:
                raise GovieError(Errors.E036.format(path=path / "tokenizer_config.json",
                                                    reason=f"its {role}_token is not in tokenizer.json"))
        self.cls_token_id, self.sep_token_id, self.pad_token_id = ids["cls"], ids["sep"], ids["pad"]
        self.model_max_length = 10**9

    def __call__(self, text: str, add_special_tokens: bool = False, return_offsets_mapping: bool = True) -> dict:
        enc = self._tokenizer.encode(text, add_special_tokens=add_special_tokens)
        return {"input_ids": enc.ids, "offset_mapping": enc.offsets}

    def save_pretrained(self, path: str | Path) -> None:
        """Write the tokenizer files it was read from, unchanged."""
        for name, data in self.files.items():
            (Path(path) / name).write_bytes(data)


class BertTokenClassifier(nn.Module):
    """``BertForTokenClassification``'s inference forward pass; returns ``(logits, last_hidden_state)``."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        self.config = SimpleNamespace(**config)
        self.config.id2label = {int(k): v for k, v in config["id2label"].items()}
        self.config.num_labels = len(self.config.id2label)
        h, c = config["hidden_size"], self.config
        self.bert = nn.Module()
        self.bert.embeddings = nn.ModuleDict({
            "word_embeddings": nn.Embedding(c.vocab_size, h),
            "position_embeddings": nn.Embedding(c.max_position_embeddings, h),
            "token_type_embeddings": nn.Embedding(c.type_vocab_size, h),
            "LayerNorm": nn.LayerNorm(h, eps=c.layer_norm_eps)})
        self.bert.encoder = nn.Module()
        self.bert.encoder.layer = nn.ModuleList(_layer(h, c.intermediate_size, c.layer_norm_eps)
                                                for _ in range(c.num_hidden_layers))
        self.classifier = nn.Linear(h, c.num_labels)
        self._act = _ACTIVATIONS[c.hidden_act]

    @classmethod
    def from_dir(cls, path: str | Path) -> "BertTokenClassifier":
        """Read ``config.json`` and ``model.safetensors`` (any float dtype; computed in float32)."""
        from safetensors.torch import load_file

        p = Path(path)
        config = json.loads((p / "config.json").read_text(encoding="utf-8"))
        model = cls(config)
        state = {k: v.float() for k, v in load_file(p / "model.safetensors").items()}
        missing, unexpected = model.load_state_dict(state, strict=False, assign=True)
        unexpected = [k for k in unexpected if not k.startswith("bert.pooler.") and not k.endswith("position_ids")]
        if missing or unexpected:
            raise GovieError(Errors.E036.format(path=p / "model.safetensors",
                                                reason=f"missing {missing[:3]}, unexpected {unexpected[:3]}"))
        return model.eval()

    def save_pretrained(self, path: str | Path) -> None:
        """Write ``config.json`` and ``model.safetensors`` (in the weights' current dtype) in the layout
        transformers reads."""
        from safetensors.torch import save_file

        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous() for k, v in self.state_dict().items()}
        config = {k: v for k, v in vars(self.config).items() if k != "num_labels"}
        config["id2label"] = {str(k): v for k, v in self.config.id2label.items()}
        config["dtype"] = str(next(iter(state.values())).dtype).removeprefix("torch.")
        (p / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        save_file(state, p / "model.safetensors", metadata={"format": "pt"})

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor):
        emb = self.bert.embeddings
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        # the same order of additions as transformers: identical float results, not just close ones
        x = emb["word_embeddings"](input_ids) + emb["token_type_embeddings"](token_type_ids)
        x = emb["LayerNorm"](x + emb["position_embeddings"](positions)[None])
        mask = None if bool(attention_mask.all()) else attention_mask[:, None, None, :].bool()
        heads = self.config.num_attention_heads
        b, n, h = x.shape
        scale = (h // heads) ** -0.5
        for layer in self.bert.encoder.layer:
            att = layer["attention"]
            q, k, v = (att["self"][name](x).view(b, n, heads, h // heads).transpose(1, 2)
                       for name in ("query", "key", "value"))
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
            a = a.transpose(1, 2).reshape(b, n, h)
            x = att["output"]["LayerNorm"](att["output"]["dense"](a) + x)
            y = self._act(layer["intermediate"]["dense"](x))
            x = layer["output"]["LayerNorm"](layer["output"]["dense"](y) + x)
        return self.classifier(x), x


def _layer(h: int, inner: int, eps: float) -> nn.ModuleDict:
    return nn.ModuleDict({
        "attention": nn.ModuleDict({
            "self": nn.ModuleDict({name: nn.Linear(h, h) for name in ("query", "key", "value")}),
            "output": nn.ModuleDict({"dense": nn.Linear(h, h), "LayerNorm": nn.LayerNorm(h, eps=eps)})}),
        "intermediate": nn.ModuleDict({"dense": nn.Linear(h, inner)}),
        "output": nn.ModuleDict({"dense": nn.Linear(inner, h), "LayerNorm": nn.LayerNorm(h, eps=eps)})})
