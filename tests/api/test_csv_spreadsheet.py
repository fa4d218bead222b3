"""The case CSV opened by a real spreadsheet (LibreOffice, when installed): phones stay text with their leading 0."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.api.staff_fixtures import accounts, bearer, client, file_case, set_state  # noqa: F401

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_the_leading_zero(client, bearer, file_case, tmp_path: Path) -> None:
    ticket = file_case("托育园门口的收费牌子写得不清楚", phone="0812-2901234")
    r = client.get("/api/staff/export.csv", params={"q": ticket}, headers=bearer("rexian01"))
    assert r.status_code == 200
    sheet = tmp_path / "cases.csv"
    sheet.write_bytes(r.content)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--infilter=Text - txt - csv (StarCalc):44,34,76,1",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(sheet),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    content = zipfile.ZipFile(tmp_path / "cases.ods").read("content.xml").decode("utf-8")
    cells = re.findall(r"<table:table-cell[^>]*>(?:(?!</table:table-cell>).)*08122901234", content)
    assert cells, "the number is not in the sheet"
    assert 'office:value-type="string"' in cells[-1]  # text, not the number 8122901234
    assert 'office:value="8122901234"' not in content
