"""Load and validate the knowledge data files, failing loudly with the file and entry id at fault."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from knowledge.models import Citation, Document, Entry
from knowledge.text import compact, tidy

DATA_DIR = Path(__file__).resolve().parent / "data"


class KnowledgeDataError(ValueError):
    """A data file is malformed; the message names the file and the entry id."""


class Knowledge(BaseModel):
    """Everything the knowledge base serves: documents by id and validated entries."""

    model_config = ConfigDict(frozen=True)

    documents: dict[str, Document]
    entries: tuple[Entry, ...]

    def entry(self, entry_id: str) -> Entry | None:
        """Entry by id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)


def _read_yaml(path: Path) -> object:
    """Parse one YAML file, wrapping syntax errors with the file name."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeDataError(f"{path}: invalid YAML: {exc}") from exc


def load_documents(data_dir: Path = DATA_DIR) -> dict[str, Document]:
    """Documents from documents.yml, each with a readable source text next to it."""
    path = data_dir / "documents.yml"
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeDataError(f"{path}: expected a list of documents")
    docs: dict[str, Document] = {}
    for item in raw:
        doc_id = item.get("id", "?") if isinstance(item, dict) else "?"
        try:
            doc = Document.model_validate(item)
        except ValidationError as exc:
            raise KnowledgeDataError(f"{path}: document {doc_id}: {exc}") from exc
        if doc.id in docs:
            raise KnowledgeDataError(f"{path}: document {doc.id}: duplicate id")
        if not (data_dir / "sources" / doc.source).is_file():
            raise KnowledgeDataError(f"{path}: document {doc.id}: missing source {doc.source}")
        docs[doc.id] = doc
    return docs


def source_texts(documents: dict[str, Document], data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Whitespace-free source text of each document, for quote checks."""
    return {
        doc_id: compact((data_dir / "sources" / doc.source).read_text(encoding="utf-8"))
        for doc_id, doc in documents.items()
    }


def quote_in_source(quote: str, source: str) -> bool:
    """Quote found verbatim (whitespace ignored); "……" may join segments that appear in order."""
    position = 0
    for segment in compact(quote).split("……"):
        found = source.find(segment, position)
        if not segment or found < 0:
            return False
        position = found + len(segment)
    return True


def _check_citation(
    cite: Citation, where: str, docs: dict[str, Document], texts: dict[str, str]
) -> None:
    """A citation must name a known document and quote it verbatim (ignoring whitespace)."""
    if cite.doc not in docs:
        raise KnowledgeDataError(f"{where}: unknown doc id {cite.doc!r}")
    if not quote_in_source(cite.quote, texts[cite.doc]):
        raise KnowledgeDataError(f"{where}: quote not found in {cite.doc}: {cite.quote[:40]}…")


def _entries_of_file(path: Path) -> Iterable[tuple[str, dict]]:
    """Raw entry mappings of one entries file with their ids."""
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeDataError(f"{path}: expected a list of entries")
    for item in raw:
        if not isinstance(item, dict):
            raise KnowledgeDataError(f"{path}: entry is not a mapping: {item!r}")
        yield str(item.get("id", "?")), item


def load_entries(data_dir: Path = DATA_DIR) -> list[Entry]:
    """All entries of data_dir/entries/*.yml, validated against schema, documents and sources."""
    docs = load_documents(data_dir)
    texts = source_texts(docs, data_dir)
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    titles: dict[str, str] = {}
    files = sorted((data_dir / "entries").glob("*.yml"))
    if not files:
        raise KnowledgeDataError(f"{data_dir / 'entries'}: no entry files")
    for path in files:
        for entry_id, item in _entries_of_file(path):
            where = f"{path}: entry {entry_id}"
            item = {**item, "group": path.stem}
            for key in ("answer", "title"):
                if isinstance(item.get(key), str):
                    item[key] = tidy(item[key])
            item["versions"] = [
                {**v, "answer": tidy(v["answer"])}
                if isinstance(v, dict) and isinstance(v.get("answer"), str)
                else v
                for v in item.get("versions") or []
            ]
            if isinstance(item.get("quote"), str) and not item["quote"].strip():
                raise KnowledgeDataError(f"{where}: empty quote")
            try:
                entry = Entry.model_validate(item)
            except ValidationError as exc:
                raise KnowledgeDataError(f"{where}: {exc}") from exc
            if entry.id in seen:
                raise KnowledgeDataError(f"{where}: duplicate id (also in {seen[entry.id]})")
            if entry.title in titles:
                raise KnowledgeDataError(f"{where}: duplicate title (also {titles[entry.title]})")
            for cite in entry.all_citations():
                _check_citation(cite, where, docs, texts)
            seen[entry.id] = path
            titles[entry.title] = entry.id
            entries.append(entry)
    return entries


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """The packaged knowledge base, loaded and validated once per process."""
    return Knowledge(documents=load_documents(), entries=tuple(load_entries()))
