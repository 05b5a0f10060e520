"""Part files: what the claims stage found is read back exactly, errors travel as rows, and a part is never half written."""

import pyarrow.parquet as pq

from counterclaim.batch.parts import document_row, error_row, read_part, write_part
from counterclaim.claims import Extraction
from counterclaim.ingest import document_from_text
from tests.conftest import fixture_path


def test_an_extraction_is_read_back_from_its_part_exactly(tmp_path, extractor):
    texts = [fixture_path("interview.txt").read_text(), fixture_path("quotes_article.txt").read_text()]
    extractions = list(extractor.extract(document_from_text(f"d{n}", text, path=f"d{n}.txt") for n, text in enumerate(texts)))
    assert sum(len(e.claims) for e in extractions) > 5 and any(e.document.turns for e in extractions)
    rows = [document_row(extractions[0]), error_row("bad.txt", "bad.txt: empty file"), document_row(extractions[1])]
    path = write_part(rows, tmp_path, 7)
    assert path.name == "part-00007.parquet" and [p.name for p in tmp_path.iterdir()] == [path.name]
    back = list(read_part(path))
    assert back[1] == ("bad.txt", "bad.txt: empty file")
    for before, after in zip(extractions, [back[0], back[2]], strict=True):
        assert isinstance(after, Extraction)
        assert after.document == before.document and after.claims == before.claims
        assert {s.id for s in after.speakers} >= {s.id for s in before.speakers}
    table = pq.read_table(path)
    assert table.num_rows == 3 and table.column("error").null_count == 2


def test_a_worker_loads_the_pipeline_once_whatever_number_of_shards_it_runs(tmp_path, monkeypatch, extractor):
    import counterclaim.batch.process as process
    import counterclaim.claims
    from counterclaim.batch.shards import make_shards

    made = []
    monkeypatch.setattr(counterclaim.claims, "ClaimExtractor", lambda: made.append(1) or extractor)
    monkeypatch.setattr(process, "_extractor", None)
    monkeypatch.setattr(process, "_loads", 0)
    for n in range(3):
        (tmp_path / f"s{n}.txt").write_text(f"The mayor said on Monday that {n + 2} bridges were closed.")
    (tmp_path / "empty.txt").write_text("")
    shards = make_shards(sorted(str(p) for p in tmp_path.glob("*.txt")), shard_size=2)
    out = tmp_path / "out"
    out.mkdir()
    results = [process.process_shard(shard, str(out), {"max_bytes": 10_000}) for shard in shards]
    assert made == [1] and [r.pipeline_loads for r in results] == [1, 1]
    assert sum(r.documents for r in results) == 3 and results[0].errors == [f"{tmp_path / 'empty.txt'}: empty file"]
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet"]


def test_a_broken_part_is_one_line_and_the_other_parts_load(tmp_path, monkeypatch, extractor):
    import counterclaim.batch.process as process
    import counterclaim.claims
    from counterclaim.batch.load import load_parts
    from counterclaim.batch.shards import load_or_make_plan
    from counterclaim.store import Ledger

    monkeypatch.setattr(counterclaim.claims, "ClaimExtractor", lambda: extractor)
    monkeypatch.setattr(process, "_extractor", None)
    for n in range(2):
        (tmp_path / f"s{n}.txt").write_text(f"The mayor said on Monday that {n + 2} bridges were closed.")
    out = tmp_path / "out"
    options = {"max_bytes": 10_000, "encoding": None, "shard_size": 1}
    plan, _ = load_or_make_plan(out, ["in"], options, sorted(str(p) for p in tmp_path.glob("*.txt")), 1)
    for shard in plan.shards:
        process.process_shard(shard, str(out), options)
    (out / "part-00000.parquet").write_bytes(b"PAR1 cut short")
    with Ledger(tmp_path / "ledger.db") as ledger:
        loaded = load_parts(ledger, out)
        assert loaded.added == 1 and loaded.parts == 1 and len(loaded.unreadable) == 1
        assert "part-00000.parquet: not a readable part" in loaded.unreadable[0] and "\n" not in loaded.unreadable[0]
