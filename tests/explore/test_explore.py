"""The explorer's logic without a browser: the form, the presets, one patient's run and its
downloads, only-the-newest, the cohort's checks, the token of an exposed server, the page's
assets and ``pycart explore``'s bad input. The page itself: tests/explore/test_browser.py."""

from __future__ import annotations

import asyncio
import io
import re
import socket
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycart.core.errors import PycartError, SimulationError
from pycart.core.names import MODELS, model_parameters
from pycart.core.resources import default_values
from pycart.experiments.paper import SCENARIOS
from pycart.explore import fields, patient
from pycart.explore.cohort import ATTRIBUTES, Cohort, check_design, responder_map
from pycart.explore.fields import all_fields, read_form, text
from pycart.explore.latest import Latest
from pycart.explore.presets import FIRST, presets


@pytest.fixture(scope="module")
def simulators() -> patient.Simulators:
    return patient.Simulators()


# ---- the form ---------------------------------------------------------------------------

@pytest.mark.parametrize("model", list(MODELS))
def test_an_untouched_form_is_the_models_defaults(model):
    request, errors = read_form({"model": model})
    assert errors == {}
    params, _ = default_values(model)
    assert request.parameters == {k: params[k] for k in request.parameters}
    assert set(request.parameters) <= set(model_parameters(model))
    assert request.changed_parameters == {} and request.changed_initial == {}
    assert request.t_end == fields.T_END and request.points == 1801


def test_every_value_the_page_shows_reads_back_exactly():
    shown = {key: text(value) for key, value in fields.defaults("cart_bm2_ext").items()}
    assert shown["p_alpha"] == "3e-10" and shown["i_L"] == "2e11" and shown["p_h"] == "1e9"
    assert float(shown["p_rho0"]) == default_values()[0]["rho0"]  # all the paper's digits
    for key, value in fields.defaults("cart_bm2_ext").items():
        assert float(shown[key]) == value, key


@pytest.mark.parametrize("key, value, said", [
    ("p_alpha", "abc", "'abc' is not a number (allowed: 0 to 1e-6 per cell per day)"),
    ("p_alpha", "1e-3", "0.001 is out of range (allowed: 0 to 1e-6 per cell per day)"),
    ("p_tauA", "0", "0 is out of range (allowed: > 0 and <= 3650 days)"),
    ("p_h", "-1", "-1 is out of range (allowed: > 0 and <= 1e14 cells)"),
    ("i_L", "nan", "nan is out of range (allowed: 0 to 1e14 cells)"),
    ("i_L", "1_000", "'1_000' is not a number (allowed: 0 to 1e14 cells)"),
    ("t_end", "3651", "3651 is out of range (allowed: > 0 and <= 3650 days)"),
    ("p_B0_in_F", "yes", "B0_in_F: 'yes' is not on or off (allowed: 0 or 1)"),
])
def test_a_bad_value_gets_one_line_beside_its_input(key, value, said):
    request, errors = read_form({key: value, "p_h": "1e9"} if key != "p_h" else {key: value})
    assert request is None
    assert errors == {key: said}


def test_the_plots_preview_is_the_runs_trajectory(simulators):
    request, _ = read_form({"p_alpha": "1e-10", "p_reinf_day": "20", "p_reinf_dose": "1e8"})
    preview, full = simulators.preview(request), simulators.run(request)
    assert list(preview.trajectory.columns) == list(full.trajectory.columns)
    np.testing.assert_allclose(preview.trajectory.to_numpy(), full.trajectory.to_numpy(),
                               rtol=1e-6, atol=1e-9)  # the same run: its grid only differs
    assert preview.doses == full.doses and preview.doses["reinf_given_day"] == 20
    assert patient.plot_data(preview)["traces"] == patient.plot_data(full)["traces"]


def test_the_shortest_horizon_still_has_two_points(simulators):
    request, _ = read_form({"t_end": "0.01"})
    assert request.points == 2  # was 1, which the model refused (a failure, not a run)
    assert len(simulators.run(request).run.trajectory) == 2


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from([f.key for f in all_fields()]),
       value=st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.booleans(),
                       st.integers(), st.none()))
def test_any_value_typed_is_read_or_refused_in_one_line(key, value):
    f = next(f for f in all_fields() if f.key == key)
    request, errors = read_form({key: value, "model": f.models[-1]})
    if request is None:  # beside this input, or beside the input a dose it sets needs
        assert errors and all("allowed" in m and "\n" not in m for m in errors.values())
        partners = {k for pair in (*fields.SCHEDULED, *fields.ON_RELAPSE) if key in pair
                    for k in pair}
        assert set(errors) <= {key} | partners
    elif key in fields.OPTIONAL and (value is None or not str(value).strip()):
        assert f.ident not in request.initial  # not set: the model or the schedule decides
    else:
        lo, hi, _ = f.bounds()
        number = (request.parameters | request.initial | {"t_end": request.t_end})[
            f.ident if f.kind != "horizon" else "t_end"]
        assert lo <= number <= hi


@pytest.mark.parametrize("values, key, said", [
    ({"p_reinf_dose": "5e8"}, "p_reinf_day", "5e8 cells need a day"),
    ({"p_reinf_dose": "5e8", "p_reinf_day": "200"}, "p_reinf_day",
     "day 200 is after the horizon (allowed: a day <= 180, or 0 for none)"),
    ({"p_reinf_day": "20"}, "p_reinf_dose", "day 20 has no dose"),
    ({"p_relapse_dose": "5e8"}, "p_relapse_threshold", "5e8 cells on relapse need the L"),
    ({"p_binf_dose": "5e8"}, "p_binf_threshold", "5e8 cells on relapse need the L"),
    ({"model": "cart_bm2", "p_relapse_dose2": "5e8"}, "p_relapse_threshold",
     "5e8 cells on relapse need the L"),
])
def test_a_dose_the_model_would_never_give_is_refused_beside_its_input(values, key, said):
    request, errors = read_form(values)
    assert request is None and list(errors) == [key] and errors[key].startswith(said)


def test_doses_the_model_gives_are_read():
    request, errors = read_form({"p_reinf_day": "20", "p_reinf_dose": "5e8",
                                 "p_binf_threshold": "1e8"})  # a trigger alone: rule off
    assert errors == {} and request.changed_parameters == {
        "reinf_day": 20, "reinf_dose": 5e8, "binf_threshold": 1e8}


def test_inputs_the_model_lacks_are_ignored_and_an_unknown_model_refused():
    request, errors = read_form({"p_alpha2": "not even a number"})
    assert errors == {} and "alpha2" not in request.parameters
    assert read_form({"model": "cart_bm3"})[1] == {
        "model": f"unknown model 'cart_bm3' (allowed: {', '.join(MODELS)})"}


def test_every_field_has_words_a_unit_and_a_default_in_some_model():
    every = fields.defaults("cart_bm2_ext") | fields.defaults("cart_bm_ext")
    for f in all_fields():
        assert f.key in every, f.key
        assert len(f.label) > len(f.ident) and f.unit in fields.UNIT_TEXT, f


# ---- presets -----------------------------------------------------------------------------

def test_every_patient_of_the_scenarios_is_a_preset_with_its_values():
    chosen = presets()
    assert FIRST in chosen
    for name, make in SCENARIOS.items():
        scenario = make()
        for run in scenario.runs:
            preset = chosen[f"{name}/{run.label}"]
            request, errors = read_form(preset.form() | {"model": preset.model})
            assert errors == {}, (preset.key, errors)
            assert request.model == run.model and request.t_end == scenario.t_end
            for k, v in run.parameters.items():
                assert request.parameters[k] == v, (preset.key, k)
            for k, v in run.initial.items():
                assert request.initial.get(k, default_values(run.model)[1][k]) == v


def test_a_preset_sets_every_input_so_nothing_of_the_last_one_stays():
    chosen = presets()
    keys = {f.key for f in all_fields()}
    assert all(set(p.form()) == keys for p in chosen.values())
    assert chosen["ext_relapse/P1-exhaustion"].form()["p_exhaustion"] is True
    assert chosen["fig3/fig3"].form()["p_exhaustion"] is False  # the extended model's default


def test_a_preset_runs_as_its_scenario_does(simulators):
    from pycart.experiments.scenario import run_scenario

    preset = presets()["fig5/alpha=3e-09"]
    request, _ = read_form(preset.form() | {"model": preset.model})
    page = simulators.run(request).run
    scenario = SCENARIOS["fig5"]()
    result = run_scenario(scenario.__class__(**{**scenario.__dict__, "runs": scenario.runs[:1],
                                                "panels": ()}))
    np.testing.assert_array_equal(page.trajectory.to_numpy(),
                                  result.runs["alpha=3e-09"].trajectory.to_numpy())


# ---- one patient and its downloads -------------------------------------------------------

@pytest.fixture(scope="module")
def outcome(simulators) -> patient.Outcome:
    # Figure 6's NR1 with the reinfusion rule of Figure 8
    request, _ = read_form({"p_h": "1e10", "p_rhoA": "0.55", "i_L": "1e11",
                            "p_relapse_threshold": "1e8", "p_relapse_dose": "5e8",
                            "t_end": "120"})
    return simulators.run(request)


def test_the_scenario_file_reads_back_as_the_same_run(outcome, tmp_path):
    from pycart.experiments.userfile import load_scenario

    path = tmp_path / "explorer.toml"
    path.write_text(patient.scenario_toml(outcome.request))
    (run,) = load_scenario(path).runs
    assert (run.label, run.model) == (patient.LABEL, "cart_bm")
    assert dict(run.parameters) == {"rhoA": 0.55, "h": 1e10, "relapse_threshold": 1e8,
                                     "relapse_dose": 5e8}
    assert dict(run.initial) == {"L": 1e11} and load_scenario(path).t_end == 120


def test_the_python_text_gives_the_pages_numbers(outcome):
    code = patient.reproduce(outcome.request).split("# command line")[0]
    code = code.replace("run.trajectory.to_csv('trajectory.csv', index=False)", "")
    space: dict = {}
    exec(code.replace("print(", "(lambda *a, **k: None)("), space)
    assert space["run"].summary == outcome.run.summary
    command = patient.reproduce(outcome.request).splitlines()[-1]
    assert command == ("pycart simulate --set h=1e10 --set rhoA=0.55 --set relapse_threshold=1e8 "
                       "--set relapse_dose=5e8 --init L=1e11 --t-end 120 --points 1201 "
                       "--out trajectory.csv")


def test_the_metrics_are_the_runs_summary(outcome):
    rows = dict(patient.metrics(outcome))
    s = outcome.run.summary
    assert rows["L at day 30"] == f"{s.L30:.3g} cells"
    assert rows["day of the peak"] == f"day {s.t_peak:.1f}"
    assert rows["response"] == ("responder (L30 < 1 cell)" if s.responder else "non-responder")
    given = outcome.run.doses["relapse_given_day"]
    assert given is not None and rows["dose given: CAR T reinfusion on relapse"] == \
        f"day {given:.1f}"


def test_the_plot_holds_the_trajectory_to_four_digits(outcome):
    data = patient.plot_data(outcome)
    frame = outcome.run.trajectory.set_index("time")
    assert data["time"][0] == 0 and data["time"][-1] == 120
    assert len(data["time"]) <= patient.PLOT_POINTS + 1
    assert data["doses"] == [outcome.run.doses["relapse_given_day"]]
    leukaemia = next(t for t in data["traces"] if t["name"] == "leukaemic cells")
    floor = 10 ** data["range"][0] / 10
    expected = np.maximum(frame.loc[data["time"], "L"].to_numpy(), floor)
    np.testing.assert_allclose(leukaemia["y"], expected, rtol=5e-4)
    linear = patient.plot_data(outcome, log_axis=False)
    assert linear["range"] is None and min(min(t["y"]) for t in linear["traces"]) >= 0


def test_the_csv_archive_and_figures(outcome):
    table = pd.read_csv(io.BytesIO(patient.trajectory_csv(outcome)))
    np.testing.assert_array_equal(table.to_numpy(), outcome.run.trajectory.to_numpy())
    with zipfile.ZipFile(io.BytesIO(patient.archive(outcome.request))) as archive:
        names = set(archive.namelist())
        sedml = archive.read("explorer.sedml").decode()
    assert {"manifest.xml", "metadata.rdf", "explorer.sedml", "cart_bm.xml"} <= names
    assert 'id="alpha"' not in sedml or "1e-10" in sedml
    assert patient.figure(outcome, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in patient.figure(outcome, "svg", log_axis=False)[:2000]


def test_a_failure_is_one_line_never_a_traceback():
    from pycart.explore.server import message

    assert message(SimulationError("the solver failed: CV_TOO_MUCH_WORK")) == \
        "the solver failed: CV_TOO_MUCH_WORK"
    assert message(KeyError("x")) == "unexpected error (KeyError: 'x')"


# ---- only the newest request runs --------------------------------------------------------

def test_quick_requests_compute_at_most_the_running_one_and_the_newest():
    delivered = []

    async def deliver(result) -> None:
        delivered.append(result)

    async def scenario() -> Latest:
        import time

        latest = Latest((lambda r: (time.sleep(0.05), r * 10)[1],), deliver)
        for k in range(20):
            latest.submit(k)
            await asyncio.sleep(0.001)
        await latest.idle()
        return latest

    latest = asyncio.run(scenario())
    assert delivered[-1] == 190 and latest.computed <= 3
    assert all(d in (0, 10, 190) or d % 10 == 0 for d in delivered) and len(delivered) <= 3


def test_a_failed_request_is_delivered_as_its_exception_and_cancel_drops_results():
    delivered = []

    async def deliver(result) -> None:
        delivered.append(result)

    def compute(r):
        if r == "bad":
            raise SimulationError("the solver failed")
        return r

    async def scenario() -> None:
        latest = Latest((compute, lambda r: f"{r}, second stage"), deliver)
        latest.submit("bad")
        await latest.idle()
        latest.submit("dropped")
        latest.cancel()
        await latest.idle()

        latest.submit("good")
        await latest.idle()

    asyncio.run(scenario())
    assert isinstance(delivered[0], SimulationError)  # and its second stage skipped
    assert delivered[1:] == ["good", "good, second stage"]


# ---- the cohort ----------------------------------------------------------------------------

@pytest.mark.parametrize("x, y, n, said", [
    ("alpha", "alpha", 10, "the two attributes must differ"),
    ("alpha", "tauX", 10, "unknown attribute 'tauX'"),
    ("alpha", "h", 101, "patients per axis 101 is not allowed"),
    ("alpha", "h", "ten", "patients per axis 'ten' is not a whole number"),
    ("rhoA", "h", 10, "rhoA from 1 to 0.4 (allowed: 0 < low < high)"),
])
def test_a_bad_cohort_design_is_refused(x, y, n, said):
    ranges = {k: (v[1], v[2]) for k, v in ATTRIBUTES.items()} | {"rhoA": (1.0, 0.4)}
    with pytest.raises(PycartError, match=re.escape(said)):
        check_design(x, y, n, ranges)


def test_the_extended_models_cohort_takes_the_fast_paths_size():
    """The extended models run on the fast path (rate rules generated as states), so their
    cohorts are 100 x 100 like the others'; a model without one would be held to 20 x 20."""
    ranges = {k: (v[1], v[2]) for k, v in ATTRIBUTES.items()}
    assert check_design("alpha", "h", 100, ranges, "cart_bm_ext") == 100
    with pytest.raises(PycartError, match="patients per axis 101 is not allowed"):
        check_design("alpha", "h", 101, ranges, "cart_bm_ext")


def test_the_responder_map_is_the_figures_heatmap():
    xs, ys = np.meshgrid(np.logspace(-10, -9, 4), np.logspace(8, 10, 4), indexing="ij")
    table = pd.DataFrame({"alpha": xs.ravel(), "h": ys.ravel(),
                          "L30": np.logspace(-3, 3, 16), "responder": np.logspace(-3, 3, 16) < 1})
    cohort = Cohort("alpha", "h", table, 0.1)
    assert cohort.responders == 0.5
    assert responder_map(cohort)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.heavy
def test_the_cohorts_numbers_are_libroadrunners(simulators):
    from pycart.core.model import Model
    from pycart.explore.cohort import run_cohort

    request, _ = read_form({"p_relapse_threshold": "1e8", "p_relapse_dose": "5e8"})
    ranges = {"alpha": (1e-10, 1e-9), "h": (5e8, 5e10)}
    cohort = run_cohort(request, "alpha", "h", 3, ranges)
    model = Model()
    for row in cohort.table.itertuples():  # doses are off in a cohort
        L30 = model.run({"alpha": row.alpha, "h": row.h}, t_end=30).summary.L30
        assert row.L30 == pytest.approx(L30, rel=1e-5, abs=1e-9)


# ---- the app: its assets, the token, the command -----------------------------------------

def _get(app, *paths: str, cookies: dict | None = None) -> list:
    """GET each path from the ASGI ``app`` (httpx's ASGI transport, no server)."""
    import httpx

    async def fetch() -> list:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1",
                                     cookies=cookies) as client:
            return [await client.get(p) for p in paths]

    return asyncio.run(fetch())


def _websocket(app, headers: list) -> list:
    """What ``app`` sends to a websocket that connects with ``headers``."""
    sent = []

    async def talk() -> None:
        inbox = [{"type": "websocket.connect"}]

        async def receive():
            return inbox.pop() if inbox else {"type": "websocket.disconnect", "code": 1000}

        async def send(message):
            sent.append(message)

        await app({"type": "websocket", "path": "/ws", "query_string": b"",
                   "headers": headers}, receive, send)

    asyncio.run(talk())
    return sent


def test_every_asset_of_the_page_is_served_by_the_app():
    from pycart.explore.app import make_app

    app = make_app(warm=False)
    (page,) = _get(app, "/")
    assert page.status_code == 200 and "<title>pycart explorer</title>" in page.text
    links = re.findall(r'(?:src|href)="([^"#][^"]*)"', page.text)
    assert any("plotly.min.js" in link for link in links)
    assert not [link for link in links if re.match(r"(https?:)?//", link)]
    local = [link if link.startswith("/") else "/" + link for link in links
             if not link.startswith("data:")]
    for link, reply in zip(local, _get(app, *local), strict=True):
        assert reply.status_code == 200, link


def test_the_warm_up_names_an_invalid_default_form(monkeypatch):
    """The warm-up runs the form's defaults; were they refused (pycart's bug), it says so
    rather than running None."""
    from pycart.explore import app

    monkeypatch.setattr(fields, "read_form", lambda values: (None, {"t_end": "bad"}))
    with pytest.raises(PycartError, match="default form is invalid: {'t_end': 'bad'}"):
        app._warm_up(patient.Simulators())


async def _page(scope, receive, send) -> None:
    """An ASGI app behind the gates: "page" to a request, any websocket accepted."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.accept"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"page"})


def test_an_exposed_server_asks_for_the_token():
    from pycart.explore.gates import COOKIE, TokenGate

    gate = TokenGate(_page, "s3cret")
    nothing, wrong, first = _get(gate, "/", "/?token=wrong", "/?token=s3cret")
    assert nothing.status_code == wrong.status_code == 403
    assert "token" in nothing.text and "s3cret" not in nothing.text
    assert first.status_code == 200 and first.text == "page"
    cookie = first.headers["set-cookie"]
    assert f"{COOKIE}=s3cret" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    (later,) = _get(gate, "/lib/x.js", cookies={COOKIE: "s3cret"})
    assert later.status_code == 200
    assert _websocket(gate, []) == [{"type": "websocket.close", "code": 1008}]
    assert _websocket(gate, [(b"cookie", f"{COOKIE}=s3cret".encode())]) == [
        {"type": "websocket.accept"}]
    assert _websocket(gate, [(b"cookie", b"\x00=;;bad")]) == [
        {"type": "websocket.close", "code": 1008}]


def test_a_loopback_server_answers_its_own_names_and_its_own_pages_websockets():
    from pycart.explore.gates import COOKIE, SameMachine

    gate = SameMachine(_page)
    for base, status in (("http://127.0.0.1:8765", 200), ("http://localhost:8765", 200),
                         ("http://[::1]:8765", 200), ("http://127.rebound.example", 403),
                         ("http://rebound.example:8765", 403)):
        import httpx

        async def fetch(base: str = base):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate),
                                         base_url=base) as client:
                return await client.get("/")

        reply = asyncio.run(fetch())
        assert reply.status_code == status, base
    assert "rebound.example" in reply.text and COOKIE not in reply.text
    here = [(b"host", b"127.0.0.1:8765")]
    assert _websocket(gate, here + [(b"origin", b"http://127.0.0.1:8765")]) == [
        {"type": "websocket.accept"}]
    assert _websocket(gate, here + [(b"origin", b"https://elsewhere.example")]) == [
        {"type": "websocket.close", "code": 1008}]
    exposed = SameMachine(_page, loopback=False)
    assert _websocket(exposed, [(b"host", b"10.0.0.5:80"), (b"origin", b"http://10.0.0.5:80")]
                      ) == [{"type": "websocket.accept"}]


def test_loopback_needs_no_token_and_the_address_carries_one():
    from pycart.explore.gates import is_loopback
    from pycart.explore.launch import address, listen

    assert all(map(is_loopback, ("127.0.0.1", "localhost", "::1", "127.0.0.2")))
    assert not any(map(is_loopback, ("0.0.0.0", "192.168.1.4", "example.org")))
    with listen("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
        assert address("127.0.0.1", sock, None) == f"http://127.0.0.1:{port}/"
        assert address("0.0.0.0", sock, "t0k") == f"http://0.0.0.0:{port}/?token=t0k"
        with pytest.raises(PycartError, match=f"cannot listen on 127.0.0.1:{port}"):
            listen("127.0.0.1", port).close()


@pytest.mark.parametrize("args, said", [
    (["--port", "abc"], "pycart explore: error: port 'abc' is not a whole number"),
    (["--port", "70000"], "pycart explore: error: port '70000' is not allowed"),
    (["--host", "no.such.host.invalid", "--no-browser"],
     "pycart explore: error: --host 'no.such.host.invalid': not an address of this machine"),
])
def test_bad_options_get_one_line_and_status_2(args, said, capsys):
    from pycart.cli import main

    assert main(["explore", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(said) and err.count("\n") == 1


def test_a_missing_library_names_the_extra(monkeypatch):
    import importlib.util

    from pycart.explore.launch import check_installed

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "shiny" else real(name, *a))
    with pytest.raises(PycartError, match=re.escape("the explorer needs shiny: pip install "
                                                    "'pycart[explore]'")):
        check_installed()


def test_a_busy_port_is_refused_before_the_server_starts(capsys):
    from pycart.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["explore", "--port", str(port), "--no-browser"]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
