"""The report files inside an artifact's zip, read with bounds: few members, each and all together no larger
than the limit however the zip describes itself (sizes are checked while inflating), so a zip bomb is
refused instead of filling memory."""

from __future__ import annotations

import io
import zipfile
import zlib

from autodevhub.stories.results.reports import UnreadableReport

MAX_MEMBERS = 200
MAX_REPORT_BYTES = 10 * 1024 * 1024  # one report file, inflated
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # every report of the zip, inflated
MAX_RATIO = 200  # inflated : compressed; text reports compress well, bombs compress far better
REPORT_SUFFIXES = (".json", ".xml")
CHUNK = 64 * 1024


def report_files(data: bytes) -> list[tuple[str, bytes]]:
    """(name, content) of each .json and .xml file in the zip; UnreadableReport for a bad or hostile zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableReport(f"not a zip file ({error})") from error
    if len(members) > MAX_MEMBERS:
        raise UnreadableReport(f"more than {MAX_MEMBERS} files in the zip")
    found, total = [], 0
    for member in members:
        if member.is_dir() or not member.filename.lower().endswith(REPORT_SUFFIXES):
            continue
        if member.file_size > MAX_REPORT_BYTES or member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise UnreadableReport(f"{member.filename}: too large once inflated (a zip bomb?)")
        content = _inflate(archive, member, min(MAX_REPORT_BYTES, MAX_TOTAL_BYTES - total))
        total += len(content)
        found.append((member.filename, content))
    return found


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, read a chunk at a time and refused past `limit` (its header may lie)."""
    out = bytearray()
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                if len(out) > limit:
                    raise UnreadableReport(
                        f"{member.filename}: larger than it says, or the zip's reports over the limit"
                    )
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise UnreadableReport(f"{member.filename}: unreadable ({type(error).__name__})") from error
    return bytes(out)
