/**
 * A path or URI as an `xs:anyURI` automation can resolve: characters a URI cannot carry
 * (spaces, `[`, `]`, `#`, `?`, `%` not starting an escape, backslashes, non-ASCII…) are
 * percent-encoded as UTF-8; what is already a valid escape (`%20`) is kept, so encoding twice
 * changes nothing. The scheme (`file:`) and the path's `/` separators are kept.
 */
export function percentEncodePath(path: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(path)?.[0] ?? '';
  let out = scheme;
  const rest = path.slice(scheme.length);
  const bytes = new TextEncoder();
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (/[A-Za-z0-9\-._~!$&'()*+,;=:@/]/.test(c)) {
      out += c;
    } else if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(rest.slice(i + 1, i + 3))) {
      out += c;
    } else {
      const cp = rest.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      if (ch.length === 2) i++;
      for (const b of bytes.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}
