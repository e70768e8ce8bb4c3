"""govie pipelines as tools: the default model (whatever ``govie.load()`` resolves to) and the rules."""
from __future__ import annotations

from typing import Any

from ..values import NORMALIZED_LABELS, normalized_value
from .base import Adapter, Found

# what each govie component does, for the per-stage timings
STAGES = {"govie_ner_v1": "NER", "govie_rel_v1": "relations", "govie_rules_v1": "NER + relations (rules)",
          "govie_facts_v1": "facts"}


class GovieDefault(Adapter):
    """``govie.load(model)``; values from govie's normalizers, as in its fact rows."""

    name = "govie-default"
    distribution = "govie"
    labels = ("METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG")
    values = ("AMOUNT", "RATE", "PERIOD")

    def __init__(self, model: str | None = None) -> None:
        self.model = model
        self.nlp = None

    def load(self) -> None:
        import govie

        self.nlp = govie.load(None if self.model in (None, "default") else self.model)

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        if self.nlp is not None:
            out["pipeline"] = {"name": self.nlp.meta.get("name"), "version": self.nlp.meta.get("version"),
                               "pipe_names": list(self.nlp.pipe_names),
                               "factories": [self.nlp.get_pipe_meta(n).factory for n in self.nlp.pipe_names],
                               "model_arg": self.model or "default"}
        return out

    def make_doc(self, text: str, year: int | None):
        """Return an unprocessed Doc carrying ``{'year': year}`` as ``doc._.meta``."""
        doc = self.nlp.make_doc(text)
        doc._.meta = {"year": year} if year is not None else {}
        return doc

    def found(self, doc, year: int | None) -> list[Found]:
        """Return the entities of a processed Doc with govie's normalized values and directions."""
        from govie.normalize import direction_before

        out, text = [], doc.text  # Doc.text joins every token on each access: read it once
        for ent in doc.ents:
            label, value, direction = ent.label_, None, None
            if label in NORMALIZED_LABELS:
                value = normalized_value(label, ent.text, year)
            if label in ("RATE", "AMOUNT"):
                direction = direction_before(text[max(0, ent.start_char - 60):ent.start_char])
            out.append(Found(ent.start_char, ent.end_char, label, ent.text, value, direction))
        return out

    def predict(self, text: str, year: int | None) -> list[Found]:
        return self.found(self.nlp(self.make_doc(text, year)), year)

    def predict_many(self, docs: list[dict[str, Any]]) -> list[list[Found]]:
        made = (self.make_doc(d["text"], d["year"]) for d in docs)
        return [self.found(doc, d["year"]) for d, doc in zip(docs, self.nlp.pipe(made))]

    def predict_full(self, text: str, year: int | None):
        doc = self.nlp(self.make_doc(text, year))
        return self.found(doc, year), [list(r.head) + list(r.child) + [r.label] for r in doc._.relations]

    def stages(self) -> list[tuple[str, str, Any]]:
        """Return ``(component name, stage, callable)`` for each pipe, in order."""
        return [(name, STAGES.get(self.nlp.get_pipe_meta(name).factory, name), proc)
                for name, proc in self.nlp.pipeline]


class GovieRules(GovieDefault):
    """``govie.load("rules")``: the rule baseline."""

    name = "govie-rules"

    def __init__(self, model: str | None = None) -> None:
        super().__init__("rules")
