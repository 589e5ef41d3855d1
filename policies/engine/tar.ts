/**
 * Regular files of an uncompressed ustar archive (what `opa build` and `git archive` write), by path.
 * Directories and pax headers are skipped; long names use the ustar prefix field.
 */
export function tarFiles(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const text = (buffer: Buffer) => buffer.toString('utf8').replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    const name = text(header.subarray(0, 100));
    if (!name) break;
    const size = parseInt(text(header.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = text(header.subarray(345, 500));
    const body = offset + 512;
    if (type === '0' || type === '\0') files.set(`${prefix ? `${prefix}/` : ''}${name}`.replace(/^\.?\//, ''), archive.subarray(body, body + size));
    offset = body + Math.ceil(size / 512) * 512;
  }
  return files;
}
