"""Checks that a file is what the standards call valid; issues as a list, never raised."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import libsbml


@dataclass(frozen=True)
class Issue:
    """One finding: ``level`` is 'error' or 'warning'."""

    level: str
    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.source}: {self.message}"


def check_sbml(text: str, source: str = "<sbml>") -> list[Issue]:
    """Run libsbml's full consistency checks (units and modelling practice included)."""
    return [Issue(level, source, message) for level, message in _sbml_findings(text)]


@functools.lru_cache(maxsize=16)
def _sbml_findings(text: str) -> tuple[tuple[str, str], ...]:
    """The levels and messages of :func:`check_sbml`, checked once per text: the archives
    of a folder hold the same few models (``pycart validate`` on the checkout checked 113
    copies of them, 3.4 s of its 8 s)."""
    doc = libsbml.readSBMLFromString(text)
    issues = _collect(doc)
    if any(level == "error" for level, _ in issues):
        return issues
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_MODELING_PRACTICE, True)
    doc.checkConsistency()
    return _collect(doc)


def _collect(doc: libsbml.SBMLDocument) -> tuple[tuple[str, str], ...]:
    out = []
    for n in range(doc.getNumErrors()):
        err = doc.getError(n)
        if err.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            level = "error"
        elif err.getSeverity() == libsbml.LIBSBML_SEV_WARNING:
            level = "warning"
        else:
            continue
        msg = " ".join(err.getMessage().split())
        out.append((level, f"[{err.getErrorId()}] {msg}"))
    return tuple(out)


KISAO = {"KISAO:0000019": "CVODE", "KISAO:0000209": "relative tolerance",
         "KISAO:0000211": "absolute tolerance", "KISAO:0000415": "maximum number of steps",
         "KISAO:0000836": "amount"}
FORMAT_PREFIXES = ("http://identifiers.org/combine.specifications/",
                   "http://purl.org/NET/mediatypes/")


def check_archive(path: str | Path) -> list[Issue]:
    """Check a COMBINE archive as a curator and the validators would, reading every member
    in memory (nothing is unpacked): safe entry names, the manifest (a "." entry, every file
    listed once, known formats, a master SED-ML), the OMEX metadata (a title about the
    archive), every SBML (libsbml) and every SED-ML (libsedml; KiSAO ids, model sources,
    XPath targets, unique data-set labels, no unused tasks or data generators)."""
    from ..core.errors import PycartError
    from .omex import METADATA, check_manifest_dtd, read_members, text_of

    source = str(path)
    issues: list[Issue] = []
    try:
        members = read_members(path)
        check_manifest_dtd(members, path)
    except PycartError as exc:  # damaged, hostile or too large: one finding, nothing read
        return [Issue("error", source, str(exc).removeprefix(f"{path}: "))]
    texts: dict[str, str] = {}
    for name, data in members.items():
        if name.endswith((".xml", ".sedml", ".rdf")):
            try:
                texts[name] = text_of(data, name)
            except PycartError as exc:
                issues.append(Issue("error", source, str(exc)))
    if "manifest.xml" not in texts:
        return [*issues, Issue("error", source, "no readable manifest.xml")]
    issues += _check_manifest(source, members, texts["manifest.xml"])
    if METADATA in texts:
        issues += _check_metadata(source, Path(path).stem, texts[METADATA])
    for name, text in texts.items():
        if name.endswith(".xml") and name != "manifest.xml":
            issues += check_sbml(text, f"{source}:{name}")
        elif name.endswith(".sedml"):
            issues += _check_sedml(f"{source}:{name}", text, members)
    if not any(n.endswith(".sedml") for n in members):
        issues.append(Issue("warning", source, "no SED-ML file: the archive describes no "
                                               "simulation"))
    return issues


def _check_manifest(source: str, members: dict[str, bytes], text: str) -> list[Issue]:
    import libcombine

    issues = []
    manifest = libcombine.readOMEXFromString(text)
    if manifest is None or manifest.getNumErrors(libcombine.LIBCOMBINE_SEV_ERROR):
        return [Issue("error", source, "manifest.xml is not a valid OMEX manifest")]
    listed: list[str] = []
    masters = []
    for i in range(manifest.getNumContents()):
        content = manifest.getContent(i)
        location = content.getLocation()
        fmt = content.getFormat()
        if not fmt.startswith(FORMAT_PREFIXES):
            issues.append(Issue("error", source, f"{location}: format {fmt!r} is not an "
                                                 "identifiers.org or purl.org media type"))
        if content.isSetMaster() and content.getMaster():
            masters.append(location)
        if location == ".":
            continue
        listed.append(location[2:] if location.startswith("./") else location)
    if "." not in [manifest.getContent(i).getLocation() for i in range(manifest.getNumContents())]:
        issues.append(Issue("error", source, "the manifest has no '.' entry for the archive"))
    if "manifest.xml" in listed:
        issues.append(Issue("error", source, "the manifest lists itself"))
    for name in sorted(set(listed)):
        if listed.count(name) > 1:
            issues.append(Issue("error", source, f"{name} is listed more than once"))
        if name not in members:
            issues.append(Issue("error", source, f"{name} is listed but not in the archive"))
    for name in sorted(set(members) - set(listed) - {"manifest.xml"}):
        issues.append(Issue("error", source, f"{name} is in the archive but not listed"))
    if not any(m.endswith(".sedml") for m in masters):
        issues.append(Issue("warning", source, "no SED-ML file is marked master"))
    return issues


def _check_metadata(source: str, name: str, text: str) -> list[Issue]:
    from xml.etree import ElementTree

    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        return [Issue("error", source, f"metadata.rdf is not XML ({exc})")]
    about = f"http://omex-library.org/{name}.omex"
    for description in root.iter(f"{rdf}Description"):
        if description.get(f"{rdf}about") == about:
            if description.find("{http://purl.org/dc/elements/1.1/}title") is None:
                return [Issue("error", source, "the archive's metadata has no dc:title")]
            return []
    return [Issue("error", source, f"metadata.rdf says nothing about {about}")]


def _check_sedml(source: str, text: str, members: dict[str, bytes]) -> list[Issue]:
    """Every issue of one SED-ML file: libsedml's own, then models, algorithms, tasks, data
    generators, outputs, and what nothing uses."""
    import libsedml

    doc = libsedml.readSedMLFromString(text)
    issues = [Issue("error" if doc.getError(i).getSeverity() >= libsedml.LIBSEDML_SEV_ERROR
                    else "warning", source, " ".join(doc.getError(i).getMessage().split()))
              for i in range(doc.getNumErrors())]
    ids = _sedml_models(doc, source, members, issues)
    _sedml_algorithms(doc, source, issues)
    used_tasks, model_of = _sedml_tasks(doc, source, ids, issues)
    used_tasks |= _sedml_variables(doc, source, ids, model_of, issues)
    used_dgs = _sedml_outputs(doc, source, issues)
    for task in doc.getListOfTasks():
        if task.getId() not in used_tasks:
            issues.append(Issue("error", source, f"task {task.getId()} is not used"))
    for dg in doc.getListOfDataGenerators():
        if dg.getId() not in used_dgs:
            issues.append(Issue("error", source, f"data generator {dg.getId()} is not used"))
    return issues


def _sedml_models(doc, source: str, members: dict[str, bytes], issues: list[Issue]
                  ) -> dict[str, set[str]]:
    """Check each model's source and changes; return the ids of each model's parameters
    and species."""
    ids: dict[str, set[str]] = {}
    for model in doc.getListOfModels():
        src = model.getSource()
        if src not in members:
            issues.append(Issue("error", source, f"model {model.getId()}: source {src!r} is "
                                                 "not in the archive"))
            continue
        sbml = _sbml_model(members[src])
        if sbml is None:
            issues.append(Issue("error", source, f"model {model.getId()}: source {src!r} is "
                                                 "not an SBML model"))
            continue
        ids[model.getId()] = {x.getId() for x in (*sbml.getListOfParameters(),
                                                  *sbml.getListOfSpecies())}
        for change in model.getListOfChanges():
            issues += _xpath(source, change.getTarget(), ids[model.getId()])
    return ids


def _sedml_algorithms(doc, source: str, issues: list[Issue]) -> None:
    """Every KiSAO id of every simulation's algorithm and its parameters must be known."""
    import re

    for sim in doc.getListOfSimulations():
        algorithm = sim.getAlgorithm()
        kisaos = [algorithm.getKisaoID(), *(p.getKisaoID() for p in
                                            algorithm.getListOfAlgorithmParameters())]
        for kisao in kisaos:
            if not re.fullmatch(r"KISAO:\d{7}", kisao) or kisao not in KISAO:
                issues.append(Issue("error", source, f"unknown KiSAO id {kisao!r}"))


def _sedml_tasks(doc, source: str, ids: dict[str, set[str]], issues: list[Issue]
                 ) -> tuple[set[str], dict[str, str]]:
    """Check repeated tasks' changes; return the tasks they use and each task's model."""
    import libsedml

    used_tasks: set[str] = set()
    model_of = {}
    for task in doc.getListOfTasks():
        if task.getTypeCode() == libsedml.SEDML_TASK:
            model_of[task.getId()] = task.getModelReference()
        else:
            used_tasks.update(task.getSubTask(i).getTask() for i in range(task.getNumSubTasks()))
            for change in task.getListOfTaskChanges():
                issues += _xpath(source, change.getTarget(),
                                 ids.get(change.getModelReference(), set()))
    return used_tasks, model_of


def _sedml_variables(doc, source: str, ids: dict[str, set[str]], model_of: dict[str, str],
                     issues: list[Issue]) -> set[str]:
    """Check the data generators' variables (targets, amounts); return the tasks they use."""
    used_tasks: set[str] = set()
    for dg in doc.getListOfDataGenerators():
        for var in dg.getListOfVariables():
            used_tasks.add(var.getTaskReference())
            if var.isSetTarget():
                task = doc.getTask(var.getTaskReference())
                model = model_of.get(var.getTaskReference()) or model_of.get(
                    task.getSubTask(0).getTask() if task and task.getNumSubTasks() else "")
                issues += _xpath(source, var.getTarget(), ids.get(model or "", set()))
                if "listOfSpecies" in var.getTarget() and var.getTerm() != "KISAO:0000836":
                    issues.append(Issue("warning", source, f"{var.getId()}: a cell count "
                                                           "not marked as an amount"))
    return used_tasks


def _sedml_outputs(doc, source: str, issues: list[Issue]) -> set[str]:
    """Check the outputs (unique labels, what COPASI can draw); return the data generators
    they use."""
    import libsedml

    used_dgs: set[str] = set()
    for output in doc.getListOfOutputs():
        labels = []
        for kind in ("DataSet", "Curve"):
            count = getattr(output, f"getNum{kind}s", lambda: 0)()
            for i in range(count):
                element = getattr(output, f"get{kind}")(i)
                if kind == "DataSet":
                    used_dgs.add(element.getDataReference())
                    labels.append(element.getLabel())
                else:
                    used_dgs.update({element.getXDataReference(), element.getYDataReference()})
        for label in sorted({x for x in labels if labels.count(x) > 1}):
            issues.append(Issue("error", source, f"data-set label {label!r} is not unique"))
        if output.getTypeCode() == libsedml.SEDML_OUTPUT_PLOT2D:
            _sedml_plot(doc, source, output, issues)
    if doc.getNumOutputs() == 0:
        issues.append(Issue("warning", source, "no plots or reports: the SED-ML shows nothing"))
    return used_dgs


def _sedml_plot(doc, source: str, output, issues: list[Issue]) -> None:
    """What COPASI's import of a 2D plot would draw differently."""
    tasks: set[str] = set()
    for curve in output.getListOfCurves():
        dg = doc.getDataGenerator(curve.getYDataReference())
        if dg is None:
            continue
        tasks.update(v.getTaskReference() for v in dg.getListOfVariables())
        if dg.getNumVariables() > 1:
            issues.append(Issue("warning", source, f"{dg.getId()}: COPASI plots only the "
                                "first variable of a data generator"))
    if len(tasks) > 1:
        issues.append(Issue("warning", source, f"plot {output.getId()} draws from "
                            f"{len(tasks)} tasks; COPASI draws every curve from the one "
                            "task it imports"))


def _sbml_model(data: bytes):
    """The SBML model in ``data``, or None when it holds none (not UTF-8, not SBML)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    doc = libsbml.readSBMLFromString(text)
    if doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL) or doc.getModel() is None:
        return None
    return doc.getModel()


def _xpath(source: str, target: str, ids: set[str]) -> list[Issue]:
    import re

    match = re.fullmatch(r"/sbml:sbml/sbml:model/sbml:listOf(?:Parameters|Species)/"
                         r"sbml:(?:parameter|species)\[@id='([^']+)'\](?:/@\w+)?", target)
    if not match or match.group(1) not in ids:
        return [Issue("error", source, f"target {target!r} does not resolve in the model")]
    return []


#: The largest model or SED-ML file read on its own (bytes).
MAX_TEXT_BYTES = 64 * 2**20


def _read_text(path: Path) -> str | Issue:
    """A regular file's UTF-8 text, or the one finding that says why not (a FIFO is not
    opened, a large file not read)."""
    import stat

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Issue("error", str(path), "not a regular file")
        if info.st_size > MAX_TEXT_BYTES:
            return Issue("error", str(path), f"larger than {MAX_TEXT_BYTES // 2**20} MiB")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return Issue("error", str(path), f"not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        return Issue("error", str(path), f"cannot read it ({exc.strerror or exc})")


def check_path(path: str | Path) -> list[Issue]:
    """Every check on a file (.xml SBML, .omex archive) or on a checkout (its models/*.xml
    and exports/*.omex)."""
    path = Path(path)
    if path.is_dir():
        files = [*sorted((path / "models").glob("*.xml")),
                 *sorted((path / "exports").glob("*.omex")),
                 *sorted((path / "exports" / "copasi").glob("*.omex")),
                 *sorted((path / "exports" / "biomodels").glob("*.xml")),
                 *sorted((path / "exports" / "biomodels").glob("*.sedml"))]
        if not files:
            files = [f for pattern in ("*.xml", "*.omex", "*.sedml")
                     for f in sorted(path.glob(pattern))]
        if not files:
            return [Issue("error", str(path), "no models (.xml), archives (.omex) or SED-ML "
                                              "(.sedml) to check here")]
        return [i for f in files for i in check_path(f)]
    if path.suffix == ".omex":
        return check_archive(path)
    if path.suffix in (".xml", ".sedml"):
        text = _read_text(path)
        if isinstance(text, Issue):
            return [text]
        if path.suffix == ".xml":
            return check_sbml(text, str(path))
        neighbours = {f.name: f.read_bytes() for f in path.parent.glob("*.xml") if f.is_file()
                      and f.stat().st_size <= MAX_TEXT_BYTES}
        return _check_sedml(str(path), text, neighbours)
    return [Issue("error", str(path), "not a model (.xml), an archive (.omex), SED-ML (.sedml) "
                                      "or a folder")]
