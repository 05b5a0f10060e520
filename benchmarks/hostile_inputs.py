"""Hostile inputs: how many crash extraction, and the worst CPU time per character.

    python benchmarks/hostile_inputs.py [--folder DIR] [--keep] [--only SUBSTRING] [--json]

Writes a fixed, generated set of hostile files (long runs of punctuation and
emoji, documents over spaCy's million characters, legacy encodings, binary
files, broken HTML and transcripts, markup and control characters, odd dates,
random Unicode) and runs each through reading and extraction in this process,
one at a time, as a batch would. For each it records the outcome (claims,
refused with a one-line reason, or crashed with an uncaught exception), whether
every span slices back to its text, and its CPU time. It prints the counts and
the inputs with the highest CPU time per character (among inputs of at least
10,000 characters, where fixed costs no longer dominate).

CPU times on these shared machines are noisy; the point is the order of
magnitude: a linear pipeline costs tens of microseconds per character, a
quadratic blow-up milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

ORDINARY = (
    "WASHINGTON (AP) — The minister said on Tuesday that the bridge was safe. "
    '"We deny that it was closed," the spokesman said. Critics said the report was false.\n'
)
MIN_CHARS_FOR_RATE = 10_000
# The text each legacy-encoded file was written from: reading it as anything else is a silent misreading.
EXPECTED: dict[str, str] = {}


def _write(folder: Path, name: str, data: str | bytes) -> None:
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)


def _runs(folder: Path) -> None:
    """Long runs without whitespace: the tokenizer's affix loop is quadratic in them."""
    characters = {
        "dquote": '"', "squote": "'", "curly": "\u201c", "dash": "-", "dot": ".", "star": "*", "paren": "(",
        "bracket": "[", "guillemet": "\u00ab", "bang": "!", "comma": ",", "ellipsis": "\u2026", "slash": "/",
        "emoji": "\U0001F600", "skin": "\U0001F44D\U0001F3FD", "flag": "\U0001F1FA\U0001F1F8", "han": "\u6f22",
        "zwj": "a\u200d", "combining": "e\u0301\u0302", "letters": "ab", "digits": "12",
    }
    for name, unit in characters.items():
        for length in (1_000, 10_000):
            run = (unit * length)[: length * len(unit)]
            _write(folder, f"run-{name}-{length}.txt", f"The spokesman said {run} was false.\n" + ORDINARY)


def _long(folder: Path) -> None:
    """Over spaCy's 1,000,000-character limit: in paragraphs, and as one line."""
    paragraph = ORDINARY * 3 + "\n"
    _write(folder, "long-paragraphs.txt", paragraph * (1_050_000 // len(paragraph) + 1))
    _write(folder, "long-one-line.txt", ORDINARY.replace("\n", " ") * (1_050_000 // len(ORDINARY) + 1) + "\n")
    _write(folder, "many-newlines.txt", ORDINARY + "\n" * 200_000 + ORDINARY)
    _write(folder, "long-sentence.txt", "The minister said that " + " and ".join(["the bridge was safe"] * 20_000) + ".\n")
    _write(folder, "nested-parens.txt", "The minister said " + "(" * 5_000 + "no" + ")" * 5_000 + ".\n")


def _encodings(folder: Path) -> None:
    """The same sentences in legacy encodings, with and without byte-order marks."""
    texts = {
        "en": "The minister said on Tuesday that the bridge was safe; the mayor's office denied the report.\n",
        "es": "El ministro dijo el martes que el puente era seguro. El portavoz, Señor López, negó que esté cerrado.\n",
        "fr": "Le ministre a déclaré mardi que le pont était sûr. Le porte-parole a démenti qu'il soit fermé.\n",
        "de": "Der Minister sagte am Dienstag, die Brücke sei sicher. Der Sprecher bestritt, dass sie geschlossen ist.\n",
        "pl": "Minister powiedział we wtorek, że most jest bezpieczny. Rzecznik zaprzeczył, że został zamknięty.\n",
        "cs": "Ministr v úterý řekl, že most je bezpečný. Mluvčí popřel, že by byl uzavřen, a řekl, že zpráva je lživá.\n",
        "ru": "Министр заявил во вторник, что мост безопасен. Представитель опроверг сообщения о том, что он закрыт.\n",
        "el": "Ο υπουργός δήλωσε την Τρίτη ότι η γέφυρα είναι ασφαλής. Ο εκπρόσωπος διέψευσε ότι έκλεισε.\n",
        "tr": "Bakan salı günü köprünün güvenli olduğunu söyledi. Sözcü, köprünün kapatıldığı iddiasını yalanladı.\n",
        "ja": "大臣は火曜日、橋は安全だと述べた。報道官は、橋が閉鎖されたという報道を否定した。\n",
        "zh": "部长周二表示，这座桥是安全的。发言人否认了大桥已经关闭的报道。\n",
        "ko": "장관은 화요일 다리가 안전하다고 말했다. 대변인은 다리가 폐쇄되었다는 보도를 부인했다.\n",
        "he": "השר אמר ביום שלישי כי הגשר בטוח. הדובר הכחיש את הדיווחים על סגירתו.\n",
        "ar": "قال الوزير يوم الثلاثاء إن الجسر آمن. ونفى المتحدث التقارير عن إغلاقه.\n",
    }
    encodings = {
        "en": ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"],
        "es": ["latin-1", "cp1252", "iso8859-15"], "fr": ["latin-1", "cp1252"], "de": ["latin-1", "cp1252"],
        "pl": ["cp1250", "iso8859-2"], "cs": ["cp1250", "iso8859-2"], "ru": ["cp1251", "koi8-r", "iso8859-5"],
        "el": ["cp1253", "iso8859-7"], "tr": ["cp1254"], "ja": ["shift_jis", "euc-jp", "iso2022_jp"],
        "zh": ["gb2312", "gb18030"], "ko": ["euc-kr"], "he": ["cp1255"], "ar": ["cp1256"],
    }
    for language, names in encodings.items():
        for encoding in names:
            for repeat in (1, 4):
                name = f"encoding-{language}-{encoding}-{repeat}.txt"
                EXPECTED[name] = texts[language] * repeat
                _write(folder, name, EXPECTED[name].encode(encoding))


def _binary(folder: Path, rng: random.Random) -> None:
    _write(folder, "binary-random.txt", bytes(rng.randrange(256) for _ in range(5000)))
    _write(folder, "binary-pdf.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 4)
    _write(folder, "binary-png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    _write(folder, "binary-gzip.txt", b"\x1f\x8b\x08\x00" + bytes(rng.randrange(256) for _ in range(500)))
    _write(folder, "empty.txt", b"")
    _write(folder, "whitespace.txt", " \n\t\n" * 100)
    _write(folder, "nul-in-middle.txt", ORDINARY.encode() + b"\x00" + ORDINARY.encode())
    _write(folder, "invalid-utf8.txt", ORDINARY.encode() + b"\xff\xfe\xfa" + ORDINARY.encode())


def _html(folder: Path) -> None:
    body = "<p>The minister said the bridge was safe. The spokesman said the report was false.</p>"
    pages = {
        "unclosed": "<html><body><div><p>The minister said the bridge was safe.<p>The spokesman denied it" * 20,
        "deep": "<html><body>" + "<div>" * 20_000 + body + "</div>" * 10,
        "script-only": "<html><head><script>" + "var x = 1;" * 1000 + "</script></head><body></body></html>",
        "entities": "<html><body><p>" + "&amp;&lt;&#x1F600;&#0;&#xD800;&bogus;" * 2000 + body + "</p></body></html>",
        "attribute": '<html><body><p title="' + "x" * 200_000 + '">' + body + "</p></body></html>",
        "wrong-charset": '<html><head><meta charset="shift_jis"></head><body>' + body + "<p>Señor López said so.</p></body></html>",
        "cdata": "<html><body><![CDATA[" + body * 10 + "]]></body></html>",
        "comments": "<html><body><!--" + body * 50 + "--></body></html>",
        "tables": "<html><body>" + "<table><tr><td>" * 3000 + body + "</body></html>",
        "markup-in-text": "<html><body><p>The minister said [/sic] [bold]the bridge[/bold] was safe \x1b[2J.</p>" + body + "</body></html>",
    }
    for name, page in pages.items():
        _write(folder, f"html-{name}.html", page)


def _transcripts(folder: Path) -> None:
    turn = "NAZARY: The Taliban have not taken Panjshir. We refute this.\nHOST: Thank you.\n"
    _write(folder, "transcript-many-turns.txt", turn * 5_000)
    _write(folder, "transcript-labels-only.txt", "HOST:\nGUEST:\nHOST:\n" * 500)
    _write(folder, "transcript-no-labels.txt", "uh, yes, we said that. no, that is not true.\n" * 300)
    _write(folder, "transcript-odd-labels.txt", "[HOST]: hi\n<GUEST>: The valley is ours.\n=SUM(A1): no\n\x1b[31mRED\x1b[0m: yes\n" * 100)
    _write(folder, "transcript-long-label.txt", "A" * 5_000 + ": The valley is ours.\n" + turn)


def _markup_and_controls(folder: Path) -> None:
    _write(folder, "markup-rich.txt", "[/sic] The minister said [the Taliban] had taken the valley [/sic]. [bold red]The spokesman said no.\n")
    _write(folder, "controls-escape.txt", "\x1b[2J\x1b]0;pwned\x07The minister said \x1b]8;;http://x\x1b\\the bridge\x1b]8;;\x1b\\ was safe.\n" * 3)
    _write(folder, "controls-c1.txt", "The minister said \u009b31m the bridge was safe\u0085 and \u200e\u202e reversed.\n" * 3)
    _write(folder, "controls-bidi.txt", "The minister said \u202ethe bridge was safe\u202c. \ufeffThe spokesman said \u2028no.\n" * 3)
    _write(folder, "=formula.txt", '=HYPERLINK("http://x","y") The minister said the bridge was safe.\n' + ORDINARY)
    _write(folder, "quotes-unbalanced.txt", '"The bridge is safe, the minister said. "No," he said. "' * 300 + "\n")
    _write(folder, "dates-extreme.txt", "0001-01-01\nThe minister said on Sunday that the bridge was safe.\n")
    _write(folder, "dates-far.txt", "9999-12-31\nThe minister said on Sunday that the bridge was safe. He said 10000-01-01 was the date.\n")


def _random_unicode(folder: Path, rng: random.Random, count: int = 40) -> None:
    blocks = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x2000, 0x206F),
              (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0x1F300, 0x1F64F), (0xFE00, 0xFE0F), (0x300, 0x36F)]
    for n in range(count):
        pieces = []
        for _ in range(rng.randrange(50, 400)):
            low, high = rng.choice(blocks)
            word = "".join(chr(rng.randrange(low, high + 1)) for _ in range(rng.randrange(1, 12)))
            pieces.append(word + rng.choice([" ", " ", " ", "\n", '" ', ". ", ", ", "\n\n"]))
        text = "".join(pieces)
        if n % 2:
            text = ORDINARY + text + ORDINARY
        _write(folder, f"random-{n:02d}.txt", text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def generate(folder: Path, seed: int = 9) -> list[Path]:
    """Write the whole hostile set into `folder`; the same seed gives the same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "ordinary.txt", ORDINARY)
    _runs(folder)
    _long(folder)
    _encodings(folder)
    _binary(folder, rng)
    _html(folder)
    _transcripts(folder)
    _markup_and_controls(folder)
    _random_unicode(folder, rng)
    return sorted(p for p in folder.iterdir() if p.is_file())


def _spans_true(text: str, record: dict) -> bool:
    for part in ("content", "cue", "source"):
        value = record.get(part)
        if value and " ".join(text[s:e] for s, e in value["spans"]) != value["text"]:
            return False
    return True


def run(files: list[Path]) -> list[dict]:
    from counterclaim.claims import ClaimExtractor
    from counterclaim.errors import InputError
    from counterclaim.ingest import read_document

    extractor = ClaimExtractor()
    results = []
    for path in files:
        started = time.process_time()
        outcome, claims, spans_ok, chars = "claims", 0, True, path.stat().st_size
        try:
            document = read_document(path)
            chars = len(document.text)
            if path.name in EXPECTED and document.text != EXPECTED[path.name]:
                outcome = "MISREAD: " + document.text[:40]
            extracted = extractor.extract_one(document)
            claims = len(extracted)
            spans_ok = all(_spans_true(document.text, c.to_json()) for c in extracted)
        except InputError as problem:
            outcome = f"refused: {problem.reason}"
        except Exception as problem:  # what this benchmark counts: anything a user would see as a crash
            outcome = f"CRASH: {type(problem).__name__}: {str(problem)[:120]}"
        cpu = time.process_time() - started
        results.append({"file": path.name, "outcome": outcome, "claims": claims, "spans_true": spans_ok,
                        "chars": chars, "cpu_s": round(cpu, 3), "cpu_us_per_char": round(cpu / max(chars, 1) * 1e6, 2)})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, help="where to write the inputs (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--only", help="run only the files whose name contains this")
    parser.add_argument("--json", action="store_true", help="print every result as JSON")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="counterclaim-hostile-"))
    files = [f for f in generate(folder) if not args.only or args.only in f.name]
    results = run(files)
    if not args.keep and args.folder is None:
        shutil.rmtree(folder)
    if args.json:
        print(json.dumps(results, indent=1))
    crashes = [r for r in results if r["outcome"].startswith("CRASH")]
    refused = [r for r in results if r["outcome"].startswith("refused")]
    broken = [r for r in results if not r["spans_true"]]
    misread = [r for r in results if r["outcome"].startswith("MISREAD")]
    print(f"{len(results)} inputs: {len(results) - len(crashes) - len(refused)} read, {len(refused)} refused, "
          f"{len(crashes)} crashed, {len(broken)} with spans that do not slice back, "
          f"{len(misread)} of {len(EXPECTED)} legacy-encoded files read as other text")
    for r in crashes + broken + misread:
        print(f"  {r['file']}: {r['outcome']}")
    rated = sorted((r for r in results if r["chars"] >= MIN_CHARS_FOR_RATE), key=lambda r: -r["cpu_us_per_char"])
    print(f"highest CPU time per character (inputs of at least {MIN_CHARS_FOR_RATE:,} characters):")
    for r in rated[:8]:
        print(f"  {r['cpu_us_per_char']:>10.1f} us/char  {r['cpu_s']:>8.2f} s  {r['chars']:>9} chars  {r['file']}: {r['outcome'][:60]}")
    print(f"total CPU {sum(r['cpu_s'] for r in results):.1f} s")


if __name__ == "__main__":
    main()
