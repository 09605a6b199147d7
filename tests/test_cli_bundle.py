"""`fieldlog bundle export|import|inspect` as a coordinator types them."""

from __future__ import annotations

import json

from fieldlog.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def init(capsys, path, code, country="ML"):
    # --lang en: an office in Mali or Niger would otherwise save French for the next commands.
    assert run(capsys, "init", "--lang", "en", "--db", str(path), "--office", code, "--name", f"Office {code}",
               "--country", country)[0] == 0


def exchange_keys(capsys, tmp_path, first, second) -> None:
    """Each office exports its public key, the other imports it and trusts it after comparing
    the fingerprint read over the phone."""
    for source, target in ((first, second), (second, first)):
        card = tmp_path / f"{source.stem}.fieldlog-key"
        code, out, _ = run(capsys, "keys", "export", "--db", str(source), "--out", str(card))
        assert code == 0
        spoken = out.rsplit(": ", 1)[1].strip()  # the fingerprint, as read over the phone
        code, out, _ = run(capsys, "keys", "import", "--db", str(target), str(card))
        assert code == 0 and "not trusted yet" in out
        office = source.stem.upper()
        code, out, _ = run(capsys, "keys", "trust", "--db", str(target), office, "--fingerprint", spoken)
        assert code == 0 and f"{office} is trusted" in out


def test_export_import_inspect_round_trip(tmp_path, capsys):
    bko, nia = tmp_path / "bko.db", tmp_path / "nia.db"
    init(capsys, bko, "BKO")
    init(capsys, nia, "NIA", "NE")
    exchange_keys(capsys, tmp_path, bko, nia)
    usb = tmp_path / "usb"
    usb.mkdir()
    code, out, _ = run(capsys, "bundle", "export", "--db", str(bko), "--full", "--out", str(usb))
    assert code == 0 and "Full bundle written" in out
    bundle, = usb.glob("BKO-to-full-*.fieldlog")
    assert oct(bundle.stat().st_mode & 0o777) == "0o600"

    code, out, _ = run(capsys, "bundle", "inspect", "--db", str(nia), str(bundle))
    assert code == 0 and "From office: BKO" in out and "Offices" in out and "Signed by: BKO" in out
    code, out, _ = run(capsys, "bundle", "inspect", "--db", str(bko), "--json", str(bundle))
    assert json.loads(out)["origin_code"] == "BKO"

    code, out, _ = run(capsys, "bundle", "import", "--db", str(nia), str(bundle))
    assert code == 0 and "1 new change from BKO" in out
    code, out, _ = run(capsys, "bundle", "import", "--db", str(nia), "--json", str(bundle))
    assert code == 0 and json.loads(out)["already_imported"] is True

    # NIA now knows BKO and can send it a delta, which carries NIA's acknowledgement.
    code, out, err = run(capsys, "bundle", "export", "--db", str(nia), "--to", "bko", "--out", str(tmp_path / "n.fieldlog"))
    assert code == 0 and "Bundle for BKO" in out and "delivered only when BKO" in err


def test_bad_requests_get_one_line_and_exit_1(tmp_path, capsys):
    bko, nia = tmp_path / "bko.db", tmp_path / "nia.db"
    init(capsys, bko, "BKO")
    code, _, err = run(capsys, "bundle", "export", "--db", str(bko), "--to", "GAO", "--out", str(tmp_path))
    assert code == 1 and err.strip().startswith("fieldlog: No office GAO is known here")
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "bundle", "export", "--db", str(bko), "--full", "--out", str(tmp_path))
    assert code == 1 and "No other office's key is trusted here" in err
    init(capsys, nia, "NIA", "NE")
    exchange_keys(capsys, tmp_path, bko, nia)
    code, _, err = run(capsys, "bundle", "export", "--db", str(bko), "--full", "--out", str(tmp_path / "no" / "x.fieldlog"))
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "bundle", "import", "--db", str(bko), str(tmp_path / "missing.fieldlog"))
    assert code == 1 and "No such bundle file" in err
    assert list(tmp_path.glob("*.fieldlog")) == [] and list(tmp_path.glob(".fieldlog-*")) == []
