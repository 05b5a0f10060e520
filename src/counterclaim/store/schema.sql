-- counterclaim ledger, schema version 7.
-- Documents, the speaker entities behind their claims (merged across documents by name),
-- the claims with their exact offsets, full-text search over claim contents, and the
-- results of quote checks. Opens in Datasette as it is (see datasette.yaml).

CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A document's `identity` is what makes a changed text the same document: its URL where it has one, else the path it
-- was read from. A new text under an identity already stored is its next `version`; only the `latest` version's claims
-- count in propositions, quote checks and timelines, and the earlier ones stay readable (`counterclaim versions`).
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    path TEXT,
    url TEXT,
    from_summary INTEGER NOT NULL DEFAULT 0,
    title TEXT,
    date TEXT,
    author TEXT,
    site TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'transcript', 'article+transcript')),
    transcript_start INTEGER,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    identity TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    latest INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX IF NOT EXISTS documents_identity ON documents(identity, version);

-- Every place a document's text appeared: the file (and record) it was ingested from, its URL, outlet and date.
-- The same text under another name, or a near-duplicate from another outlet (store/near_duplicates.py), is stored
-- once, and each place it came from is kept here.
CREATE TABLE IF NOT EXISTS document_paths (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    url TEXT,
    site TEXT,
    date TEXT,
    similarity REAL NOT NULL DEFAULT 1.0,
    seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (document_id, path)
);

-- MinHash signatures of document texts and their bands, for finding near-duplicates with an index lookup.
CREATE TABLE IF NOT EXISTS document_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS document_bands (
    band INTEGER NOT NULL,
    key BLOB NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS document_bands_key ON document_bands(band, key);

CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    is_introduction INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS speakers (
    id INTEGER PRIMARY KEY,
    merge_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'unnamed')),
    role TEXT,
    affiliation TEXT
);

CREATE TABLE IF NOT EXISTS speaker_aliases (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (speaker_id, document_id, alias)
);
CREATE INDEX IF NOT EXISTS speaker_aliases_document ON speaker_aliases(document_id);

CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY,
    claim_id TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker_id INTEGER REFERENCES speakers(id),
    reported_by_id INTEGER REFERENCES speakers(id),
    mode TEXT NOT NULL,
    polarity TEXT NOT NULL CHECK (polarity IN ('assert', 'deny')),
    content TEXT NOT NULL,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    cue TEXT,
    source TEXT,
    hedges TEXT NOT NULL DEFAULT '[]',
    quantities TEXT NOT NULL DEFAULT '[]',
    record TEXT NOT NULL,
    UNIQUE (document_id, claim_id)
);

CREATE INDEX IF NOT EXISTS claims_speaker ON claims(speaker_id);
CREATE INDEX IF NOT EXISTS claims_document ON claims(document_id);

CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(
    content, content='claims', content_rowid='id', tokenize='porter unicode61'
);

CREATE TRIGGER IF NOT EXISTS claims_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER IF NOT EXISTS claims_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TABLE IF NOT EXISTS quote_checks (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    quote TEXT NOT NULL,
    quote_start INTEGER NOT NULL,
    quote_end INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verbatim', 'near', 'paraphrase', 'not found')),
    changed INTEGER NOT NULL DEFAULT 0,
    match_document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    match_start INTEGER,
    match_end INTEGER,
    match_text TEXT,
    differences TEXT NOT NULL DEFAULT '[]',
    -- a new turn of the quoted speaker, of another speaker, a new paragraph changes the finding only if it may match a
    -- larger share of the quote's words than these, a new transcript sentence only if its paraphrase score reaches the
    -- last (fidelity.py)
    bound_own_turns REAL,
    bound_turns REAL,
    bound_paragraphs REAL,
    bound_sentences REAL,
    vector BLOB,  -- the embedding of the text compared with transcript sentences, where they were read (float32)
    UNIQUE (claim_id, quote_start)
);

-- Where quotes may come from (link/passages.py): the transcript turns and paragraphs of the latest documents and the
-- sentences of the turns, each indexed by its words (contentless full-text tables over the words as quote checking
-- spells them; `*_vocabulary` counts how many hold each word); the documents indexed, with the generation of the
-- index that added (or dropped) each; and the rarest words of each checked quotation (`needed` of them must be in
-- one passage or sentence for it to be a candidate), by which a new passage finds the stored quotes it may match.
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    speaker_id INTEGER,
    is_turn INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id);
CREATE INDEX IF NOT EXISTS passages_speaker ON passages(speaker_id, is_turn);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    passage_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_passage ON sentences(passage_id);
-- The embeddings of the sentences quote checking read (float32), each computed once.
CREATE TABLE IF NOT EXISTS sentence_vectors (
    sentence_id INTEGER PRIMARY KEY REFERENCES sentences(id) ON DELETE CASCADE,
    vector BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS passage_words USING fts5(words, content='', tokenize="unicode61 remove_diacritics 0 tokenchars '''%_'");
CREATE VIRTUAL TABLE IF NOT EXISTS passage_vocabulary USING fts5vocab(passage_words, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS sentence_words USING fts5(words, content='', tokenize="unicode61 remove_diacritics 0 tokenchars '''%_'");
CREATE VIRTUAL TABLE IF NOT EXISTS sentence_vocabulary USING fts5vocab(sentence_words, 'row');
CREATE TABLE IF NOT EXISTS indexed_documents (
    document_id INTEGER PRIMARY KEY,
    added INTEGER NOT NULL,
    dropped INTEGER
);
CREATE TABLE IF NOT EXISTS quote_keys (
    kind TEXT NOT NULL CHECK (kind IN ('passage', 'turn', 'paragraph', 'sentence')),
    word TEXT NOT NULL,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    needed INTEGER NOT NULL,
    PRIMARY KEY (kind, word, claim_id, part)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quote_keys_claim ON quote_keys(claim_id);
CREATE INDEX IF NOT EXISTS quote_checks_match ON quote_checks(match_document_id);

-- Propositions keep their ids when the ledger is relinked (AUTOINCREMENT: an id once retired is never reused),
-- so that verdicts and shared links to them stay valid.
CREATE TABLE IF NOT EXISTS propositions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    statement TEXT NOT NULL,
    contested INTEGER NOT NULL DEFAULT 0,
    numeric_conflicts TEXT NOT NULL DEFAULT '[]'
);

-- A claim's stance toward a proposition; `rule` says what decided it (a rule's name, or `model`), `score` how sure.
CREATE TABLE IF NOT EXISTS proposition_claims (
    proposition_id INTEGER NOT NULL REFERENCES propositions(id) ON DELETE CASCADE,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    stance TEXT NOT NULL CHECK (stance IN ('supports', 'disputes', 'neutral')),
    score REAL NOT NULL DEFAULT 1.0,
    rule TEXT NOT NULL DEFAULT 'model',
    restates INTEGER NOT NULL DEFAULT 0,  -- the claim says the statement in its own words: a sure reading of it counts
    PRIMARY KEY (proposition_id, claim_id)
);

-- A user's verdict on a proposition, with a note and a source link. Keyed by the proposition's id, which relinking keeps,
-- and without a cascade, with the statement it was given on: a verdict outlives re-ingestion and relinking, and is still
-- shown under its statement if a relink ever retires the proposition.
CREATE TABLE IF NOT EXISTS verdicts (
    proposition_id INTEGER PRIMARY KEY,
    statement TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('true', 'false', 'misleading', 'unresolved')),
    note TEXT NOT NULL DEFAULT '',
    source_url TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Who discredits whom (link/discredits.py): a claim that calls another party's words propaganda, lies, fabricated, not
-- credible, or refutes them; from its speaker to the party targeted, with the proposition it disputes when it disputes one.
-- Rebuilt from the claims and propositions whenever the ledger is linked.
CREATE TABLE IF NOT EXISTS discredits (
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    source_id INTEGER REFERENCES speakers(id),
    target_id INTEGER REFERENCES speakers(id),
    target TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('propaganda', 'lie', 'not credible', 'fabrication', 'refutation')),
    words TEXT NOT NULL,
    proposition_id INTEGER,
    PRIMARY KEY (claim_id, kind, target)
);
CREATE INDEX IF NOT EXISTS discredits_source ON discredits(source_id);
CREATE INDEX IF NOT EXISTS discredits_target ON discredits(target_id);

-- Model reads, by a hash of what was read (link/reads.py), so that a relink reads only what it never read:
-- the stance model's probabilities of a (statement, text) pair (4 float32), and whether a text is a clause (0 or 1).
-- `meta.read_by` names the models they came from.
CREATE TABLE IF NOT EXISTS stance_reads (
    key BLOB PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS clause_reads (
    key BLOB PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS proposition_claims_claim ON proposition_claims(claim_id);

-- What the last link covered, so that the next one links only what came since (link/incremental.py): the documents
-- linked; the content words of each claim that took part (a new claim's neighbours are the claims sharing a word with
-- it that few claims use); and each proposition's core: the claim its statement was made of, how many claims were
-- clustered into it, and their mean vector (float16), which new claims are compared with.
CREATE TABLE IF NOT EXISTS linked_documents (
    document_id INTEGER PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS claim_words (
    word TEXT NOT NULL,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    PRIMARY KEY (word, claim_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claim_words_claim ON claim_words(claim_id);

CREATE TABLE IF NOT EXISTS proposition_cores (
    proposition_id INTEGER PRIMARY KEY REFERENCES propositions(id) ON DELETE CASCADE,
    head_claim_id INTEGER NOT NULL,
    size INTEGER NOT NULL,
    centre BLOB NOT NULL
);

-- Sentence embeddings of claims (all-MiniLM-L6-v2, unit length, float16), computed once and reused by linking and `check`;
-- `meaning_hash` is of the text embedded, so a vector is remade when what a claim is read as changes.
CREATE TABLE IF NOT EXISTS claim_vectors (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    meaning_hash TEXT NOT NULL,
    vector BLOB NOT NULL
);

-- The same vectors packed in blocks, for reading many at once (`check` on 100k claims reads ~25 rows, not 100k).
-- Blocks hold the vectors of claims up to `vectors_packed_upto`; the vectors of later claims (new ones) are read
-- from claim_vectors until there are a block's worth, which is then packed after the others. A change to a packed
-- vector advances `vectors_version`, and every block is packed again. From 200,000 vectors on, each block holds
-- the vectors of one cell of `vector_cells` (the vectors nearest its centroid; an inverted file), so that `check`
-- reads the cells near its statement only; below, every block is of cell 0 and there are no cells.
CREATE TABLE IF NOT EXISTS vector_blocks (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    cell INTEGER NOT NULL DEFAULT 0,
    claim_ids BLOB NOT NULL,
    vectors BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS vector_blocks_cell ON vector_blocks(cell);

CREATE TABLE IF NOT EXISTS vector_cells (
    cell INTEGER PRIMARY KEY,
    centroid BLOB NOT NULL,
    size INTEGER NOT NULL
);

INSERT OR IGNORE INTO meta(key, value) VALUES ('vectors_version', '0');
INSERT OR IGNORE INTO meta(key, value) VALUES ('vectors_packed_upto', '0');

DROP TRIGGER IF EXISTS claim_vectors_ai;
DROP TRIGGER IF EXISTS claim_vectors_au;
DROP TRIGGER IF EXISTS claim_vectors_ad;
CREATE TRIGGER claim_vectors_ai AFTER INSERT ON claim_vectors
WHEN new.claim_id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'vectors_packed_upto') BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'vectors_version';
END;
CREATE TRIGGER claim_vectors_au AFTER UPDATE ON claim_vectors
WHEN old.claim_id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'vectors_packed_upto') BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'vectors_version';
END;
CREATE TRIGGER claim_vectors_ad AFTER DELETE ON claim_vectors
WHEN old.claim_id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'vectors_packed_upto') BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'vectors_version';
END;

INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '7');

-- One row per claim with its speaker and document spelled out: the view to browse and facet in Datasette.
CREATE VIEW IF NOT EXISTS claim_ledger AS
SELECT
    c.id,
    c.claim_id,
    d.title AS document,
    d.date,
    d.site,
    s.name AS speaker,
    s.kind AS speaker_kind,
    s.role,
    s.affiliation,
    r.name AS reported_by,
    c.mode,
    c.polarity,
    c.cue,
    c.source,
    c.content,
    c.hedges,
    c.quantities,
    c.content_start,
    c.content_end
FROM claims c
JOIN documents d ON d.id = c.document_id
LEFT JOIN speakers s ON s.id = c.speaker_id
LEFT JOIN speakers r ON r.id = c.reported_by_id;
