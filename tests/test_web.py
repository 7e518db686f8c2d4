"""The web app through its HTTP interface (FastAPI TestClient): every page as HTML and as its JSON twin,
uploads, downloads, the drafting form's checks, and the security rules."""

from __future__ import annotations

import csv
import io
import json
import random
import warnings
import zipfile
from html import escape as html_escape
from pathlib import Path

import pytest

from conftest import REAL, SEEDS

pytest.importorskip("fastapi")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=Warning)

from fastapi.testclient import TestClient  # noqa: E402

from xxgk.generate import random_record, render_text  # noqa: E402
from xxgk.web.app import create_app  # noqa: E402
from xxgk.web.security import InsecureBindError  # noqa: E402

BASE = "http://127.0.0.1"
XSS = "<script>alert(1)</script>"
AGENCY = "测试市公安局"


def generated(seed: int, agency: str | None = None, year: int | None = None, template: str = "2021") -> bytes:
    """A consistent synthetic report as text (distinct per seed)."""
    rng = random.Random(seed)
    record = random_record(rng, template, year=year)
    if agency:
        record["agency"] = agency
    return render_text(record, "tab", rng, distortions=()).encode()


def csrf(client: TestClient) -> str:
    if not client.cookies.get("xxgk_csrf"):
        client.get("/login")
    return client.cookies["xxgk_csrf"]


def upload(client: TestClient, files: list[tuple[str, bytes]], **headers: str):
    headers = {"X-CSRF-Token": csrf(client), "Accept": "application/json", **headers}
    return client.post("/upload", files=[("files", f) for f in files], headers=headers)


def seed_files() -> list[tuple[str, bytes]]:
    paths = sorted(SEEDS.glob("*.txt")) + sorted(
        p for p in REAL.iterdir() if p.suffix in (".txt", ".md", ".pdf")
    )
    return [(p.name, p.read_bytes()) for p in paths]


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """One app over a temporary DuckDB holding the seeds, ../shared/real, an XSS report and synthetic ones."""
    db = tmp_path_factory.mktemp("web") / "corpus.duckdb"
    app = create_app(db, test_mode=True)
    client = TestClient(app, base_url=BASE)
    files = seed_files()
    zheng = (SEEDS / "003_29ee529a4ac3a460.txt").read_text(encoding="utf-8")
    files.append(
        (
            f"<img src=x onerror=alert(2)>{XSS}.txt",
            # markup in a report's text is read as markup (dropped); written as entities it is text,
            # so the agency name reaching the pages is the literal payload
            zheng.replace("郑州市公安局", f"{html_escape(XSS)}郑州市公安局").encode(),
        )
    )
    files += [(f"gen-{n}.txt", generated(n)) for n in range(15)]
    files += [
        ("chain-2022.txt", generated(100, AGENCY, 2022)),
        ("chain-2023.txt", generated(101, AGENCY, 2023)),
    ]
    response = upload(client, files)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["failed"] == 0 and body["rejected"] == 0, body
    ids = {f["name"]: f["report_id"] for f in body["files"]}
    yield client, ids, app
    app.state.xxgk.close()


def test_upload_summary_and_idempotence(web):
    client, ids, _ = web
    again = upload(client, [("000_5f1914cbe288c934.txt", (SEEDS / "000_5f1914cbe288c934.txt").read_bytes())])
    assert again.status_code == 200
    outcome = again.json()["files"][0]
    assert outcome["status"] == "unchanged" and outcome["report_id"] == ids["000_5f1914cbe288c934.txt"]


def page_paths(ids: dict[str, int]) -> list[str]:
    one, two = ids["000_5f1914cbe288c934.txt"], ids["003_29ee529a4ac3a460.txt"]
    return [
        "/",
        "/upload",
        "/corpus",
        "/corpus?year=2021&sort=-errors",
        "/agencies",
        f"/agencies/{AGENCY}",
        f"/reports/{one}",
        f"/reports/{ids['004_hongze_qzf_2023.pdf']}",
        f"/compare?a={one}&b={two}",
        "/compare",
        "/draft",
        "/draft?template=2019",
        f"/draft?from={two}",
        "/login",
    ]


def twin(path: str) -> str:
    base, _, query = path.partition("?")
    base = "/index" if base == "/" else base
    return f"{base}.json" + (f"?{query}" if query else "")


def test_every_page_is_html_and_json(web):
    client, ids, _ = web
    for path in page_paths(ids):
        html = client.get(path)
        assert html.status_code == 200, (path, html.text[:500])
        assert html.headers["content-type"].startswith("text/html")
        assert '<html lang="zh-CN">' in html.text and "</html>" in html.text
        by_accept = client.get(path, headers={"Accept": "application/json"})
        assert by_accept.headers["content-type"].startswith("application/json"), path
        by_suffix = client.get(twin(path))
        assert by_suffix.status_code == 200, (twin(path), by_suffix.text[:300])
        assert by_accept.json() == by_suffix.json(), path
        assert by_accept.json()["title"] and by_accept.json()["page"]


def test_report_context_tables_findings_and_blanks(web):
    client, ids, _ = web
    data = client.get(f"/reports/{ids['000_5f1914cbe288c934.txt']}.json").json()
    assert [t["key"] for t in data["tables"]] == ["proactive", "requests", "appeals"]
    cells = [c for t in data["tables"] for row in t["rows"] for c in row if c["key"]]
    assert len(cells) > 150
    assert {"severity", "rule", "message", "where", "excerpt"} <= set(data["findings"][0])
    # a report with both blanks and zeros: blank cells are flagged, coloured by S_BLANK_CELLS, never shown as 0
    for rid in ids.values():
        data = client.get(f"/reports/{rid}.json").json()
        cells = {c["key"]: c for t in data["tables"] for row in t["rows"] for c in row if c["key"]}
        rule = next((f for f in data["findings"] if f["rule"] == "S_BLANK_CELLS"), None)
        if rule and any(c["text"] == "0" for c in cells.values()):
            break
    else:
        pytest.fail("no report with both blank and zero cells in the corpus")
    blanks = {k for k, c in cells.items() if c["blank"]}
    assert blanks == set(rule["cells"])
    assert all(cells[k]["severity"] and rule["index"] in cells[k]["findings"] for k in blanks)
    assert all(c["text"] == "" for k, c in cells.items() if k in blanks)
    page = client.get(f"/reports/{rid}").text
    assert 'class="blank-mark"' in page and "空白（未填报）" in page


def test_finding_excerpt_shows_source_lines(web):
    client, ids, _ = web
    data = client.get(f"/reports/{ids['000_5f1914cbe288c934.txt']}.json").json()
    with_line = [f for f in data["findings"] if f["location"].get("line")]
    assert with_line and data["has_source_text"]
    excerpt = with_line[0]["excerpt"]
    assert excerpt and any(
        line["focus"] and line["no"] == with_line[0]["location"]["line"] for line in excerpt["lines"]
    )
    source = (SEEDS / "000_5f1914cbe288c934.txt").read_text(encoding="utf-8").splitlines()
    focus = next(line for line in excerpt["lines"] if line["focus"])
    assert "".join(focus["text"].split()) == "".join(source[focus["no"] - 1].split())
    pdf = client.get(f"/reports/{ids['004_hongze_qzf_2023.pdf']}.json").json()
    t4 = next(f for f in pdf["findings"] if f["rule"] == "T4_BLOCK")
    assert t4["where"] == "第 4 页，第 103 行" and t4["excerpt"]
    assert [line["no"] for line in t4["excerpt"]["lines"] if line["focus"]] == [103]


def test_downloads(web):
    client, ids, _ = web
    rid = ids["003_29ee529a4ac3a460.txt"]
    record = client.get(f"/reports/{rid}/download/record.json")
    assert record.status_code == 200 and "attachment" in record.headers["content-disposition"]
    assert json.loads(record.content)["agency"] == "郑州市公安局"
    for ext in ("xlsx", "docx"):
        response = client.get(f"/reports/{rid}/download/report.{ext}")
        assert response.status_code == 200 and response.content[:2] == b"PK", ext
        assert "filename*=UTF-8''" in response.headers["content-disposition"]
    from docx import Document

    text = "\n".join(
        p.text
        for p in Document(io.BytesIO(client.get(f"/reports/{rid}/download/report.docx").content)).paragraphs
    )
    assert "郑州市公安局" in text


def test_corpus_filters_search_sort_pages_export(web):
    client, _, _ = web
    everything = client.get("/corpus.json").json()
    assert everything["total"] >= 25 and everything["pages"] >= 2 and len(everything["rows"]) == 20
    second = client.get("/corpus.json?page=2").json()
    assert {r["id"] for r in second["rows"]}.isdisjoint({r["id"] for r in everything["rows"]})
    police = client.get("/corpus.json", params={"agency": "公安"}).json()
    assert police["total"] >= 5 and all("公安" in r["agency"] for r in police["rows"])
    y2023 = client.get("/corpus.json?year=2023").json()
    assert y2023["rows"] and all(r["year"] == 2023 for r in y2023["rows"])
    errors = client.get("/corpus.json?rule=T4_BLOCK&severity=error").json()
    assert errors["total"] >= 1 and all(r["counts"]["error"] for r in errors["rows"])
    by_errors = client.get("/corpus.json?sort=-errors").json()["rows"]
    assert by_errors[0]["counts"]["error"] >= by_errors[-1]["counts"]["error"]
    exported = client.get("/corpus/download/export.csv", params={"agency": "公安"})
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == police["total"]
    for fmt in ("xlsx", "jsonl"):
        assert client.get(f"/corpus/download/export.{fmt}?year=2021").status_code == 200


def test_agency_page_chain_trends_copy(web):
    client, _, _ = web
    data = client.get(f"/agencies/{AGENCY}.json").json()
    assert [r["year"] for r in data["reports"]] == [2022, 2023]
    link = data["chain"][0]
    assert link["year"] == 2023 and link["status"] in ("ok", "broken", "unknown")
    assert set(data["charts"]) == {"requests", "appeals", "rates"}
    assert data["charts"]["requests"]["xAxis"]["data"] == ["2022", "2023"]
    assert data["copy"] and data["copy"][0]["year"] == 2023
    assert client.get("/agencies/不存在的机关").status_code == 404


def test_dashboard_and_not_yet_submitted(web):
    client, _, _ = web
    data = client.get("/index.json").json()
    assert data["reports"] >= 25 and {"applications", "outcomes", "appeals", "correction", "findings"} <= set(
        data["charts"]
    )
    assert [y["year"] for y in data["years"]] == sorted(y["year"] for y in data["years"])
    names = "机关名称\n郑州市公安局\n中卫市公安局\n从未提交局\n"
    response = client.post(
        "/expected",
        files={"file": ("expected.csv", names.encode("utf-8-sig"))},
        headers={"X-CSRF-Token": csrf(client), "Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["expected"] == 3
    sub = client.get("/index.json?year=2021").json()["submission"]
    assert sub["expected"] == 3 and [m["agency"] for m in sub["missing"]] == ["从未提交局"]


def test_compare_highlights_differences(web):
    client, ids, _ = web
    a, b = ids["chain-2022.txt"], ids["chain-2023.txt"]
    data = client.get(f"/compare.json?a={a}&b={b}").json()
    assert data["comparison"]["cells"], "two random reports differ"
    key = data["comparison"]["cells"][0]["key"]
    cells = {c["key"]: c for t in data["tables_b"] for row in t["rows"] for c in row if c["key"]}
    assert cells[key]["mark"] == "diff"
    html = client.get(f"/compare?a={a}&b={b}").text
    assert 'class="value diff"' in html or "diff" in html
    assert "<ins>" in html or "<del>" in html


def broken_draft() -> dict[str, str]:
    return {
        "agency": "某市某局",
        "year": "2024",
        "template": "2021",
        "cell:appeals.review.upheld": "1",
        "cell:appeals.review.corrected": "0",
        "cell:appeals.review.other": "0",
        "cell:appeals.review.pending": "0",
        "cell:appeals.review.total": "3",
    }


def test_draft_live_check_names_the_broken_equation(web):
    client, _, _ = web
    headers = {"X-CSRF-Token": csrf(client), "Accept": "application/json"}
    data = client.post("/draft/check", data=broken_draft(), headers=headers).json()
    t4 = [f for f in data["findings"] if f["rule"] == "T4_BLOCK" and f["severity"] == "error"]
    assert t4 and "总计＝结果维持＋结果纠正＋其他结果＋尚未审结" in t4[0]["message"]
    assert data["can_download"] is False and data["marks"]["appeals.review.total"] == "error"
    partial = client.post(
        "/draft/check", data=broken_draft(), headers={"X-CSRF-Token": csrf(client), "HX-Request": "true"}
    )
    assert 'id="draft-check"' in partial.text and "T4_BLOCK" in partial.text and "<html" not in partial.text
    bad_input = client.post(
        "/draft/check", data={**broken_draft(), "cell:appeals.review.other": "abc"}, headers=headers
    )
    assert any(f["rule"] == "F_INPUT" and "不是整数" in f["message"] for f in bad_input.json()["findings"])


def test_draft_download_only_without_errors_or_with_override(web):
    client, _, _ = web
    token = csrf(client)
    refused = client.post("/draft/download", data={**broken_draft(), "format": "docx", "csrf_token": token})
    assert refused.status_code == 422 and "不能生成合规报告" in refused.text
    forced = {
        **broken_draft(),
        "format": "docx",
        "csrf_token": token,
        "override": "on",
        "override_reason": "口径待确认",
    }
    response = client.post("/draft/download", data=forced)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "口径待确认" in text and "强制生成" in text
    record = random_record(random.Random(7), "2021", year=2024)
    from xxgk.model.record import cell_items

    clean = {"agency": "某市某局", "year": "2024", "template": "2021", "format": "html", "csrf_token": token}
    clean |= {f"cell:{k}": str(v) for k, v in cell_items(record)}
    ok = client.post("/draft/download", data=clean)
    assert ok.status_code == 200 and "某市某局" in ok.text and "强制生成" not in ok.text


def test_openapi_and_offline_docs(web):
    client, _, _ = web
    spec = client.get("/openapi.json").json()
    for path in (
        "/upload",
        "/reports/{report_id}",
        "/corpus",
        "/draft/check",
        "/agencies/{key}",
        "/compare",
        "/",
    ):
        assert path in spec["paths"], path
    docs = client.get("/docs").text
    assert (
        "/static/swagger-ui-bundle.js" in docs
        and client.get("/static/swagger-ui-bundle.js").status_code == 200
    )
    templates = Path(__file__).parents[1] / "src" / "xxgk" / "web" / "templates"
    for template in templates.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert "https://" not in text and "http://" not in text, f"{template.name} must not load from a CDN"
    for asset in ("htmx.min.js", "echarts.min.js", "app.css", "app.js", "upload.js"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_xss_in_agency_and_file_name_is_escaped(web):
    client, ids, _ = web
    name = next(n for n in ids if XSS in n)
    rid = ids[name]
    data = client.get(f"/reports/{rid}.json").json()
    assert XSS in data["report"]["agency"], "the payload must reach the page for this test to mean anything"
    for path in (f"/reports/{rid}", "/corpus?agency=script", "/agencies", "/"):
        html = client.get(path).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/reports/{rid}").text


def test_security_headers_and_host_check(web):
    client, _, _ = web
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    evil = client.get("/", headers={"Host": "evil.example"})
    assert evil.status_code == 400 and "仅限本机访问" in evil.text


def test_csrf_required_on_posts(web):
    client, _, _ = web
    files = [("files", ("x.txt", generated(900)))]
    missing = client.post("/upload", files=files, headers={"Accept": "application/json"})
    assert missing.status_code == 403 and missing.json()["error"]["code"] == "csrf"
    assert "CSRF" in missing.json()["error"]["message"]
    wrong = client.post(
        "/upload", files=files, headers={"Accept": "application/json", "X-CSRF-Token": "forged"}
    )
    assert wrong.status_code == 403
    form = client.post("/draft/check", data=broken_draft())
    assert form.status_code == 403 and "安全校验失败" in form.text


def test_upload_refusals_have_chinese_reasons(web):
    client, _, _ = web
    not_report = upload(client, [("notes.txt", "今天天气很好，我们去公园散步。".encode())])
    assert not_report.status_code == 422
    error = not_report.json()["error"]
    assert error["code"] == "not_a_report" and "不是政府信息公开工作年度报告" in error["message"]
    image = upload(client, [("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)])
    assert image.status_code == 415 and "图片" in image.json()["error"]["message"]
    binary = upload(client, [("a.bin", b"\x00\x01\x02" * 100)])
    assert binary.status_code == 415
    ofd_bytes = io.BytesIO()
    with zipfile.ZipFile(ofd_bytes, "w") as zf:  # a ZIP inside, but one document: not unpacked as a batch
        zf.writestr("OFD.xml", "<ofd:OFD/>")
        zf.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    ofd = upload(client, [("年报.ofd", ofd_bytes.getvalue())]).json()["error"]
    assert "年报.ofd" in ofd["message"] and "OFD 版式文件" in ofd["message"]
    for bad in ("../../etc/passwd.txt", "/etc/cron.d/x.txt", "..\\..\\windows\\a.txt", "a/../../b.txt"):
        response = upload(client, [(bad, generated(901))])
        assert response.status_code == 400, bad
        assert (
            response.json()["error"]["code"] == "path_traversal"
            and "路径" in response.json()["error"]["message"]
        )
    html = client.post(
        "/upload", files=[("files", ("../x.txt", generated(902)))], headers={"X-CSRF-Token": csrf(client)}
    )
    assert html.status_code == 400 and "路径跳转" in html.text and '<html lang="zh-CN">' in html.text


def test_zip_and_folder_names(web):
    client, _, _ = web
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("年报/a.txt", generated(300))
        zf.writestr("年报/b.txt", generated(301))
        zf.writestr("年报/readme.txt", "说明文件")
    response = upload(client, [("batch.zip", buffer.getvalue())])
    assert response.status_code == 200
    files = {f["name"]: f for f in response.json()["files"]}
    assert (
        files["batch.zip!年报/a.txt"]["status"] == "stored"
        and files["batch.zip!年报/b.txt"]["status"] == "stored"
    )
    assert files["batch.zip!年报/readme.txt"]["status"] == "failed"
    folder = upload(client, [("文件夹/子目录/c.txt", generated(302))])
    assert folder.json()["files"][0]["name"] == "文件夹/子目录/c.txt"


def test_error_shape_is_uniform(web):
    client, _, _ = web
    missing = client.get("/reports/999999", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "status": 404,
            "code": "report_not_found",
            "message": "找不到编号为 999999 的报告。",
            "details": [],
        }
    }
    page = client.get("/reports/999999")
    assert page.status_code == 404 and "找不到编号为 999999 的报告" in page.text and "<html" in page.text
    nowhere = client.get("/no/such/page.json")
    assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "not_found"
    bad = client.get("/corpus.json?sort=nonsense")
    assert bad.status_code == 422 and "排序" in bad.json()["error"]["message"]
    invalid = client.get("/corpus.json?page=0")
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid"


def test_oversized_upload_refused(tmp_path):
    app = create_app(tmp_path / "small.duckdb", max_upload_bytes=2048)
    try:
        client = TestClient(app, base_url=BASE)
        response = upload(client, [("big.txt", b"x" * 10_000)])
        assert response.status_code == 413
        assert (
            response.json()["error"]["code"] == "too_large"
            and "大小上限" in response.json()["error"]["message"]
        )
    finally:
        app.state.xxgk.close()


def test_token_required_off_loopback(tmp_path, monkeypatch):
    with pytest.raises(InsecureBindError, match="XXGK_TOKEN"):
        create_app(tmp_path / "a.duckdb", host="0.0.0.0")
    from typer.testing import CliRunner

    from xxgk.cli import app as cli

    monkeypatch.delenv("XXGK_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "b.duckdb"), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "XXGK_TOKEN" in result.output


def test_login_session_and_bearer(tmp_path):
    app = create_app(tmp_path / "t.duckdb", "s3cret-token", host="0.0.0.0")
    try:
        client = TestClient(app, base_url="http://192.0.2.10:8000", follow_redirects=False)
        redirect = client.get("/corpus?year=2021")
        assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login?next=")
        api = client.get("/corpus.json")
        assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorized"
        bearer = client.get("/corpus.json", headers={"Authorization": "Bearer s3cret-token"})
        assert bearer.status_code == 200
        upload_by_bearer = client.post(
            "/upload",
            files=[("files", ("x.txt", generated(5)))],
            headers={"Authorization": "Bearer s3cret-token", "Accept": "application/json"},
        )
        assert upload_by_bearer.status_code == 200, "bearer clients need no CSRF token"
        assert client.get("/static/app.css").status_code == 200
        token = csrf(client)
        wrong = client.post("/login", data={"token": "nope", "next": "/", "csrf_token": token})
        assert wrong.status_code == 401 and "令牌不正确" in wrong.text
        good = client.post(
            "/login", data={"token": "s3cret-token", "next": "//evil.example", "csrf_token": token}
        )
        assert good.status_code == 303 and good.headers["location"] == "/"
        assert client.get("/corpus").status_code == 200
    finally:
        app.state.xxgk.close()
