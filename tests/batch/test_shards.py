"""Shards and plans: every document read once, in a fixed order, and a resumed run reads the plan it left."""

import json

import pytest

from counterclaim.batch.shards import PLAN, PlanError, load_or_make_plan, make_shards
from counterclaim.errors import InputError
from tests.ingest.test_archives import PAGE, STORY, warc

OPTIONS = {"max_bytes": 20_000_000, "encoding": None, "shard_size": 2}


def stories(shards, max_bytes=20_000_000):
    found = []
    for shard in shards:
        for unit in shard.units:
            found += [str(item) if isinstance(item, InputError) else item.doc_id for item in unit.documents(max_bytes, None)]
    return found


def test_files_are_grouped_by_shard_size_and_archives_are_shards_of_their_own(tmp_path):
    for n in range(5):
        (tmp_path / f"s{n}.txt").write_text(f"{STORY} Number {n}.")
    (tmp_path / "crawl.warc.gz").write_bytes(warc([("https://a.example/one", "text/html", PAGE.encode())]))
    files = sorted(str(p) for p in tmp_path.iterdir())
    shards = make_shards(files, shard_size=2)
    assert [len(s.units) for s in shards] == [1, 2, 2, 1]  # crawl.warc.gz sorts first and stands alone
    assert [s.id for s in shards] == [0, 1, 2, 3]
    assert stories(shards) == ["one-1", "s0", "s1", "s2", "s3", "s4"]


def test_a_large_json_lines_file_is_cut_at_lines_and_each_line_keeps_its_number(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"text": f"{STORY} Story {n}."}) for n in range(40)]
    lines[17] = "{broken"
    path.write_text("\n".join(lines) + "\n")
    shards = make_shards([str(path)], range_bytes=1000)
    assert len(shards) > 3 and all(len(s.units) == 1 for s in shards)
    found = stories(shards)
    assert len(found) == 40 and found[0] == "dump-1" and found[-1] == "dump-40"
    assert any("dump.jsonl#18" in item and "not JSON" in item for item in found)


def test_feeds_come_first_and_the_pages_they_claim_are_not_read_again(tmp_path):
    (tmp_path / "bridge-safe.html").write_text(PAGE)
    (tmp_path / "other.txt").write_text(STORY)
    (tmp_path / "wire.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Bridge safe</title>'
        "<link>https://wire.example/bridge-safe</link></item></channel></rss>"
    )
    shards = make_shards(sorted(str(p) for p in tmp_path.iterdir()), shard_size=10)
    assert [u.path.rsplit("/", 1)[1] for u in shards[0].units] == ["wire.rss", "other.txt"]


def test_a_resumed_run_reads_its_plan_and_a_run_of_other_options_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    out = tmp_path / "out"
    plan, resumed = load_or_make_plan(out, ["in"], OPTIONS, [str(tmp_path / "a.txt")], 2)
    assert not resumed and (out / PLAN).exists()
    again, resumed = load_or_make_plan(out, ["in"], OPTIONS, [], 2)  # the files are not planned again
    assert resumed and again.shards == plan.shards
    with pytest.raises(PlanError, match="other inputs or options"):
        load_or_make_plan(out, ["in"], OPTIONS | {"shard_size": 3}, [], 3)
    (out / PLAN).write_text("{not json")
    with pytest.raises(PlanError, match="not a batch plan"):
        load_or_make_plan(out, ["in"], OPTIONS, [], 2)
