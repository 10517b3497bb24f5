"""COMBINE archives (OMEX): writing them byte for byte reproducibly, and reading them safely.

An archive holds a manifest with a "." entry and every file once, the SBML, the SED-ML
(named ``*.sedml``, the master file) and an OMEX metadata file about
``http://omex-library.org/<name>.omex``. Zip entries carry a fixed date and are sorted, so
the same content gives the same bytes. Reading refuses entries that would land outside the
folder they are unpacked into.
"""

from __future__ import annotations

import html
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ..core.errors import PycartError
from .curation import CITATION, CREATED, CREATORS, DOI

SPEC = "http://identifiers.org/combine.specifications"
FORMATS = {
    ".xml": f"{SPEC}/sbml.level-3.version-2",
    ".sedml": f"{SPEC}/sed-ml",
    ".rdf": f"{SPEC}/omex-metadata",
    ".png": "http://purl.org/NET/mediatypes/image/png",
    ".md": "http://purl.org/NET/mediatypes/text/markdown",
    ".cps": "http://purl.org/NET/mediatypes/application/x-copasi",
}
METADATA = "metadata.rdf"
_DATE = (1980, 1, 1, 0, 0, 0)


def manifest(files: Mapping[str, bytes], master: str) -> str:
    """The OMEX manifest of ``files`` (and the archive itself, "."), ``master`` marked."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<omexManifest xmlns="{SPEC}/omex-manifest">',
             f'  <content location="." format="{SPEC}/omex"/>']
    for name in sorted(files):
        flag = ' master="true"' if name == master else ""
        lines.append(f'  <content location="./{name}" format="{FORMATS[Path(name).suffix]}"'
                     f"{flag}/>")
    return "\n".join([*lines, "</omexManifest>", ""])


def metadata(name: str, title: str, description: str) -> str:
    """OMEX metadata (RDF/XML, in the BioSimulations conventions) about the archive: title,
    description, creators, the paper (with its citation as label), the creation date."""
    about = f"http://omex-library.org/{name}.omex"
    creators = "".join(
        "\n    <dc:creator><rdf:Description><rdfs:label>"
        f"{html.escape(c['given'] + ' ' + c['family'])}</rdfs:label></rdf:Description>"
        "</dc:creator>" for c in CREATORS)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:bqmodel="http://biomodels.net/model-qualifiers/">\n'
        f'  <rdf:Description rdf:about="{about}">\n'
        f"    <dc:title>{html.escape(title)}</dc:title>\n"
        f"    <dc:description>{html.escape(description)}</dc:description>"
        f"{creators}\n"
        "    <bqmodel:isDescribedBy><rdf:Description>"
        f'<dc:identifier rdf:resource="http://identifiers.org/doi/{DOI}"/>'
        f"<rdfs:label>{html.escape(CITATION)}</rdfs:label></rdf:Description>"
        "</bqmodel:isDescribedBy>\n"
        f"    <dc:created>{CREATED[:10]}</dc:created>\n"
        "  </rdf:Description>\n"
        "</rdf:RDF>\n")


def write_archive(path: str | os.PathLike[str], files: Mapping[str, bytes], master: str,
                  title: str, description: str) -> Path:
    """Write an archive of ``files`` with its manifest and metadata; return its path."""
    path = Path(path)
    name = path.stem
    members = dict(files)
    members[METADATA] = metadata(name, title, description).encode()
    members["manifest.xml"] = manifest({k: v for k, v in members.items()}, master).encode()
    tmp = path.with_name(f".{path.name}.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(members):
            info = zipfile.ZipInfo(member, _DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[member])
    os.replace(tmp, path)
    return path


def safe_members(archive: zipfile.ZipFile) -> list[str]:
    """The archive's member names; :class:`PycartError` for any that would escape the folder
    it is unpacked into (absolute paths, ``..``, drive letters)."""
    names = []
    for name in archive.namelist():
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise PycartError(f"archive entry {name!r} points outside the archive; refused")
        names.append(name)
    return names


def extract(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> list[Path]:
    """Unpack a COMBINE archive into ``folder`` after checking every entry; return the files."""
    folder = Path(folder).resolve()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PycartError(f"{path}: not a readable COMBINE archive ({exc})") from None
    with archive:
        names = safe_members(archive)
        out = []
        for name in names:
            target = (folder / name).resolve()
            if folder not in target.parents and target != folder:
                raise PycartError(f"archive entry {name!r} points outside the archive; refused")
            if name.endswith("/"):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
            out.append(target)
    return out
