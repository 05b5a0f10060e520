"""The web app: server-rendered pages over the ledger, each also at a `.json` address, with filters in the URL.

Pages read stored results (`web/queries.py`); the only work done on request is `check` (the same search as
`counterclaim check`) and ingesting uploads (`web/jobs.py`, in the background). Everything shown from the ledger is
untrusted text: templates escape it (Jinja2 autoescape), links are shown only for http(s) URLs, and a Content Security
Policy forbids inline and outside scripts, so a document holding `<script>` stays text. Bound to any address but
127.0.0.1, the app asks for a token (`serve` refuses to start without one); forms that change the ledger carry a
CSRF token.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from counterclaim import __version__
from counterclaim.store import VERDICTS, Ledger
from counterclaim.web import queries
from counterclaim.web.jobs import Ingestion, upload_name
from counterclaim.web.queries import Filters

PACKAGE = resources.files("counterclaim.web")
TOKEN_COOKIE = "counterclaim_token"
MAX_UPLOAD_BYTES = 10_000_000
MAX_UPLOAD_FILES = 50
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def safe_url(url: str | None) -> str | None:
    """A URL fit for an `href`: http and https only (never `javascript:` or `data:`)."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def page_templates() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(PACKAGE.joinpath("templates"))), autoescape=select_autoescape(default=True, default_for_string=True),
    )
    environment.filters["safe_url"] = safe_url
    environment.globals["version"] = __version__
    environment.globals["stances"] = queries.STANCES
    environment.globals["verdicts"] = VERDICTS
    return environment


def read_only(path: str) -> sqlite3.Connection:
    """A read-only connection for one request (SQLite in WAL mode lets it read while a job writes)."""
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


def filters(
    q: str = "", speaker: str = "", affiliation: str = "", polarity: str = "", stance: str = "", document: int | None = None,
    outlet: str = "", kind: str = "", since: str = "", until: str = "", page: int = 1,
) -> Filters:
    """The filters of a listing, from its URL."""
    return Filters(q.strip(), speaker.strip(), affiliation.strip(), polarity, stance, document, outlet, kind, since, until, max(page, 1))


def connection(request: Request) -> Iterator[sqlite3.Connection]:
    """The request's read-only connection to the app's ledger."""
    db = read_only(request.app.state.db_path)
    try:
        yield db
    finally:
        db.close()


Listing = Annotated[Filters, Depends(filters)]
Reader = Annotated[sqlite3.Connection, Depends(connection)]


def create_app(db_path: str, token: str | None = None, link_uploads: bool = True) -> FastAPI:
    """The app over one ledger file (created, or migrated, if needed). With `token`, every request must carry it."""
    Ledger(db_path).close()
    ingestion = Ingestion(db_path, link=link_uploads, max_bytes=MAX_UPLOAD_BYTES)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ingestion.shutdown()

    app = FastAPI(title="counterclaim", version=__version__, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    templates = page_templates()
    csrf = secrets.token_urlsafe(24)
    checker_lock = threading.Lock()
    app.state.ingestion = ingestion
    app.state.db_path = db_path
    app.mount("/static", StaticFiles(directory=str(PACKAGE.joinpath("static"))), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if token is not None:
            bearer = request.headers.get("authorization", "")
            given = bearer[7:] if bearer.lower().startswith("bearer ") else request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)
            if not given or not secrets.compare_digest(given.encode(), token.encode()):
                return PlainTextResponse("this counterclaim server needs its token: add ?token=... to the address once", status_code=401)
        response = await call_next(request)
        if token is not None and request.query_params.get("token"):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, problem: StarletteHTTPException) -> Response:
        """A refusal as one line of text (a stale form, a missing page), as the command line says it."""
        return PlainTextResponse(str(problem.detail), status_code=problem.status_code, headers=SECURITY_HEADERS)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, problem: RequestValidationError) -> Response:
        first = problem.errors()[0] if problem.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return PlainTextResponse(f"{where}: {first.get('msg', 'not understood')}", status_code=400)

    def respond(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse(data, status_code=status)
        query = {name: value for name, value in request.query_params.items() if name != "token"}
        db = read_only(db_path)
        try:
            header = queries.overview(db)
        finally:
            db.close()
        page = templates.get_template(template).render(
            data=data, overview=header, csrf=csrf, path=request.url.path, query=query,
            json_url=("/documents" if request.url.path == "/" else request.url.path) + ".json" + (f"?{urlencode(query)}" if query else ""),
            url_with=lambda **changes: _url_with(request, changes), db_name=Path(db_path).name,
        )
        return HTMLResponse(page, status_code=status)

    def missing(request: Request, what: str) -> Response:
        return respond(request, "missing.html", {"error": f"no {what} in this ledger"}, status=404)

    def checked_csrf(given: str) -> None:
        if not secrets.compare_digest(given.encode(), csrf.encode()):
            raise HTTPException(status_code=403, detail="the form is stale or came from another site: reload the page and send it again")

    @app.get("/", response_class=HTMLResponse)
    @app.get("/documents", response_class=HTMLResponse)
    @app.get("/documents.json")
    def documents_page(request: Request, f: Listing, db: Reader) -> Response:
        return respond(request, "documents.html", queries.documents(db, f))

    @app.post("/documents")
    async def add_documents(
        files: list[UploadFile] | None = None, text: str = Form(""), title: str = Form(""), csrf_token: str = Form(""),
    ) -> Response:
        checked_csrf(csrf_token)
        uploads: list[tuple[str, bytes]] = []
        refused: list[str] = []
        for n, upload in enumerate((files or [])[:MAX_UPLOAD_FILES]):
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            name = upload_name(upload.filename, n)
            if len(data) > MAX_UPLOAD_BYTES:
                size = upload.size or len(data)
                refused.append(f"{name}: file too large ({size / 1e6:.1f} MB; the app takes files of up to "
                               f"{MAX_UPLOAD_BYTES / 1e6:g} MB: use `counterclaim ingest` for larger ones)")
            elif data or upload.filename:
                uploads.append((name, data))
        if text.strip():
            pasted = (title.strip() + "\n\n" if title.strip() else "") + text
            uploads.append((upload_name(f"{_file_stem(title) or 'pasted'}.txt", len(uploads)), pasted.encode("utf-8")))
        if not uploads and not refused:
            raise HTTPException(status_code=400, detail="nothing to add: choose files or paste a text")
        job = ingestion.submit(uploads, refused)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    @app.get("/jobs/{job_id}.json")
    def job_page(request: Request, job_id: str) -> Response:
        job = ingestion.jobs.get(job_id.removesuffix(".json"))
        if job is None:
            return missing(request, "such job (jobs are kept while the server runs)")
        return respond(request, "job.html", job.to_json())

    @app.get("/documents/{document_id:int}", response_class=HTMLResponse)
    @app.get("/documents/{document_id:int}.json")
    def document_page(request: Request, document_id: int, db: Reader) -> Response:
        data = queries.document(db, document_id)
        return missing(request, f"document {document_id}") if data is None else respond(request, "document.html", data)

    @app.get("/contested", response_class=HTMLResponse)
    @app.get("/contested.json")
    def contested_page(
        request: Request, f: Listing, db: Reader, all: bool = False,  # noqa: A002
    ) -> Response:
        return respond(request, "contested.html", queries.contested(db, f, everything=all))

    @app.get("/propositions/{proposition_id:int}", response_class=HTMLResponse)
    @app.get("/propositions/{proposition_id:int}.json")
    def proposition_page(request: Request, proposition_id: int, db: Reader) -> Response:
        data = queries.proposition(db, proposition_id)
        return missing(request, f"proposition {proposition_id}") if data is None else respond(request, "proposition.html", data)

    @app.post("/propositions/{proposition_id:int}/verdict")
    def give_verdict(
        proposition_id: int, verdict: str = Form(...), note: str = Form(""), source_url: str = Form(""), csrf_token: str = Form(""),
    ) -> Response:
        checked_csrf(csrf_token)
        if verdict not in VERDICTS:
            raise HTTPException(status_code=400, detail=f"verdict must be one of {', '.join(VERDICTS)}")
        if source_url.strip() and safe_url(source_url) is None:
            raise HTTPException(status_code=400, detail="the source must be an http or https address")
        with Ledger(db_path, create=False) as ledger:
            try:
                ledger.set_verdict(proposition_id, verdict, note.strip()[:5000], source_url.strip()[:2000])
            except KeyError:
                raise HTTPException(status_code=404, detail=f"no proposition {proposition_id} in this ledger") from None
        return RedirectResponse(f"/propositions/{proposition_id}", status_code=303)

    @app.get("/speakers", response_class=HTMLResponse)
    @app.get("/speakers.json")
    def speakers_page(request: Request, f: Listing, db: Reader) -> Response:
        return respond(request, "speakers.html", queries.speakers(db, f))

    @app.get("/speakers/{speaker_id:int}", response_class=HTMLResponse)
    @app.get("/speakers/{speaker_id:int}.json")
    def speaker_page(request: Request, speaker_id: int, f: Listing, db: Reader) -> Response:
        data = queries.speaker(db, speaker_id, f)
        return missing(request, f"speaker {speaker_id}") if data is None else respond(request, "speaker.html", data)

    @app.get("/outlets/{outlet}", response_class=HTMLResponse)
    def outlet_page(request: Request, outlet: str, db: Reader) -> Response:
        json_wanted = outlet.endswith(".json")
        name = outlet.removesuffix(".json") if json_wanted else outlet
        data = {"outlet": name, "track_record": queries.outlet_record(db, name),
                "documents": queries.documents(db, Filters(outlet=name))["documents"]}
        return JSONResponse(data) if json_wanted else respond(request, "outlet.html", data)

    @app.get("/discredits", response_class=HTMLResponse)
    @app.get("/discredits.json")
    def discredits_page(request: Request, db: Reader, proposition: int | None = None) -> Response:
        return respond(request, "discredits.html", queries.discredits(db, proposition_id=proposition))

    @app.get("/search", response_class=HTMLResponse)
    @app.get("/search.json")
    def search_page(request: Request, f: Listing, db: Reader) -> Response:
        return respond(request, "search.html", queries.search(db, f))

    @app.get("/quotes", response_class=HTMLResponse)
    @app.get("/quotes.json")
    def quotes_page(request: Request, f: Listing, db: Reader) -> Response:
        return respond(request, "quotes.html", queries.quotes(db, f))

    @app.get("/check", response_class=HTMLResponse)
    @app.get("/check.json")
    def check_page(request: Request, statement: str = "") -> Response:
        statement = " ".join(statement.split())[:1000]
        if not statement:
            return respond(request, "check.html", {"statement": "", **{side: [] for side in queries.STANCES}})
        from counterclaim.link.check import check, prepare

        with checker_lock, Ledger(db_path, create=False) as ledger:  # one check at a time: each uses every core
            prepare(ledger)
            result = check(ledger, statement)
        return respond(request, "check.html", result.to_json())

    return app


def _file_stem(title: str) -> str:
    return "-".join(title.lower().split())[:60]


def _url_with(request: Request, changes: dict[str, Any]) -> str:
    """This page's address with some filters changed (None removes one): how pages link to their next page and facets."""
    params = dict(request.query_params)
    params.pop("token", None)
    for name, value in changes.items():
        if value in (None, ""):
            params.pop(name, None)
        else:
            params[name] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")

