"""COMBINE archives (OMEX): writing them byte for byte reproducibly, and reading them safely.

An archive holds a manifest with a "." entry and every file once, the SBML, the SED-ML
(named ``*.sedml``, the master file) and an OMEX metadata file about
``http://omex-library.org/<name>.omex``. Zip entries carry a fixed date and are sorted, so
the same content gives the same bytes. Reading refuses entries that would land outside the
folder they are unpacked into, and archives built to hurt: encrypted or unknown compression,
bad checksums, duplicate names, too many members, and members larger than
:data:`MAX_MEMBER_BYTES` (a zip bomb is read in bounded pieces and refused at the limit, so
memory stays bounded whatever the archive claims).
"""

from __future__ import annotations

import html
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..core.errors import PycartError
from ..core.files import write_atomically
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

#: Limits on an archive read: members, bytes of one member and of all (uncompressed).
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 256 * 2**20
_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


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

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(members):
                info = zipfile.ZipInfo(member, _DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, members[member])

    # a full disk or an interruption leaves the previous archive, never a .part file
    write_atomically(path, write)
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


def open_archive(path: str | os.PathLike[str]) -> zipfile.ZipFile:
    """Open a zip archive and check its directory before anything is read: safe names, no
    duplicates, at most :data:`MAX_MEMBERS` members, no encryption, known compression, and
    sizes within the limits; :class:`PycartError` (one line) otherwise."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise PycartError(f"{path}: not a readable archive ({exc})") from None
    try:
        safe_members(archive)
        infos = archive.infolist()
        names = [i.filename for i in infos]
        if len(infos) > MAX_MEMBERS:
            raise PycartError(f"{path}: {len(infos)} members (allowed: at most {MAX_MEMBERS})")
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})[0]
            raise PycartError(f"{path}: entry {twice!r} is in the archive twice; refused")
        for info in infos:
            _check_info(path, info)
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise PycartError(f"{path}: members larger than {MAX_TOTAL_BYTES // 2**20} MiB in "
                              "all (allowed: up to that)")
    except BaseException:
        archive.close()
        raise
    return archive


def _check_info(path: object, info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise PycartError(f"{path}: entry {info.filename!r} is encrypted (allowed: plain entries)")
    if info.compress_type not in _COMPRESSIONS:
        raise PycartError(f"{path}: entry {info.filename!r} uses compression method "
                          f"{info.compress_type} (allowed: stored, deflate, bzip2, lzma)")
    if info.file_size > MAX_MEMBER_BYTES:
        raise PycartError(f"{path}: entry {info.filename!r} is {info.file_size:,} bytes "
                          f"(allowed: at most {MAX_MEMBER_BYTES // 2**20} MiB)")


def read_member(archive: zipfile.ZipFile, name: str, path: object = "archive") -> bytes:
    """One member, read in pieces and refused past :data:`MAX_MEMBER_BYTES` whatever its
    header claims; a bad checksum or a damaged stream is one line."""
    import zlib

    pieces, size = [], 0
    try:
        with archive.open(name) as member:
            while piece := member.read(2**20):
                size += len(piece)
                if size > MAX_MEMBER_BYTES:
                    raise PycartError(f"{path}: entry {name!r} unpacks to more than "
                                      f"{MAX_MEMBER_BYTES // 2**20} MiB; refused")
                pieces.append(piece)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise PycartError(f"{path}: entry {name!r} cannot be read ({exc})") from None
    return b"".join(pieces)


def read_members(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """Every file of an archive, in memory, after :func:`open_archive`'s checks."""
    with open_archive(path) as archive:
        return {n: read_member(archive, n, path) for n in archive.namelist()
                if not n.endswith("/")}


#: The manifest's name in an archive.
MANIFEST = "manifest.xml"


def check_manifest_dtd(members: Mapping[str, bytes], path: object = "archive") -> None:
    """Refuse an archive whose manifest has a DTD (``<!DOCTYPE ...>``), in one line: a DTD
    can define entities that expand without bound or fetch other files, the OMEX schema
    has none, and a parser that skips it would read a manifest other than the one written."""
    data = members.get(MANIFEST)
    if data is not None and any("<!DOCTYPE".encode(codec) in data
                                for codec in ("utf-8", "utf-16-le", "utf-16-be")):
        raise PycartError(f"{path}: {MANIFEST} has a DTD; pycart does not read DTDs "
                          "(allowed: a manifest without <!DOCTYPE ...>)")


def text_of(data: bytes, name: str) -> str:
    """A member's text (UTF-8); :class:`PycartError` for anything else."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PycartError(f"entry {name!r} is not UTF-8 text (byte {exc.start})") from None


def extract(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> list[Path]:
    """Unpack a COMBINE archive into ``folder`` after checking every entry; return the files."""
    folder = Path(folder).resolve()
    with open_archive(path) as archive:
        out = []
        for name in archive.namelist():
            target = (folder / name).resolve()
            if folder not in target.parents and target != folder:
                raise PycartError(f"archive entry {name!r} points outside the archive; refused")
            if name.endswith("/"):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(read_member(archive, name, path))
            out.append(target)
    return out
