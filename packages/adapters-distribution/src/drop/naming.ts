import { FramewiseError } from '@framewise/core/errors';

/** Values a name template can use. */
export interface NamingValues {
  readonly assetId: string;
  readonly versionId: string;
  readonly revision: number;
  /** The package file's name (`main`, `thumbnail-1280x720`, `captions-fr`). */
  readonly name?: string;
  /** Its extension with the dot (`.mp4`), from the content type or nothing. */
  readonly ext?: string;
  /** The endpoint's metadata fields (`{field:houseNumber}`). */
  readonly fields: Readonly<Record<string, unknown>>;
}

const TOKEN = /\{(assetId|versionId|revision|name|ext|field:[A-Za-z0-9_.-]{1,64})\}/g;
const SAFE = /^[A-Za-z0-9 ._()+,=@#-]+$/;

/**
 * Fill a name template (`{assetId}/v{revision}/{name}{ext}`): each substituted value must be a
 * safe path segment — no `/`, `\`, `..`, control characters or leading dot — so a metadata value
 * can never steer a file out of the drop folder.
 *
 * @throws `INVALID_INPUT` naming the token and the value; `INVALID_CONFIG` for an unknown token.
 */
export function fillTemplate(template: string, values: NamingValues): string {
  checkTemplate(template);
  const out = template.replace(TOKEN, (_m, token: string) => {
    const raw = token.startsWith('field:')
      ? values.fields[token.slice(6)]
      : (values as unknown as Record<string, unknown>)[token];
    const value = raw === undefined ? '' : String(raw);
    if (token === 'ext' && (value === '' || /^\.[a-z0-9]{1,8}$/i.test(value))) return value;
    if (value === '' || !SAFE.test(value) || value.startsWith('.') || value.includes('..'))
      throw new FramewiseError(
        'INVALID_INPUT',
        `Name template token {${token}} has the value ${JSON.stringify(value).slice(0, 80)}, which is not a safe file name part`,
        { details: { token, template } },
      );
    return value;
  });
  return checkRelativePath(out);
}

/**
 * Refuse a template with unknown tokens, or whose literal parts could leave the drop folder
 * (`..` or `.` segments, an absolute path, empty segments, backslashes, control characters): the
 * template is checked as a path with every token filled with a safe value.
 *
 * @throws `INVALID_CONFIG` naming the token or the template.
 */
export function checkTemplate(template: string): string {
  const unknown = template.replace(TOKEN, '').match(/\{[^}]*\}/);
  if (unknown !== null)
    throw new FramewiseError(
      'INVALID_CONFIG',
      `Unknown token ${unknown[0]} in name template ${JSON.stringify(template)}`,
      {
        details: { template },
      },
    );
  const sample = template.replace(TOKEN, (_m, token: string) => (token === 'ext' ? '.ext' : 'x'));
  try {
    checkRelativePath(sample);
  } catch {
    throw new FramewiseError(
      'INVALID_CONFIG',
      `Name template ${JSON.stringify(template).slice(0, 120)} is not a safe relative path (no "..", ".", leading "/", empty segments, backslashes or control characters)`,
      { details: { template } },
    );
  }
  return template;
}

/** Refuse a path that could leave its root: absolute, `..`, empty segments, backslashes, control characters. */
export function checkRelativePath(path: string): string {
  const segments = path.split('/');
  if (
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || hasControl(s))
  )
    throw new FramewiseError(
      'INVALID_INPUT',
      `Path ${JSON.stringify(path).slice(0, 120)} is not a safe relative path`,
      {
        details: { path },
      },
    );
  return path;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'video/mp4': '.mp4',
  'video/quicktime': '.mov',
  'application/mxf': '.mxf',
  'video/mp2t': '.ts',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'text/vtt': '.vtt',
  'application/x-subrip': '.srt',
  'application/ttml+xml': '.ttml',
  'application/json': '.json',
  'application/xml': '.xml',
};

/** The usual extension of a content type ('' when unknown). */
export function extensionOf(contentType: string | undefined): string {
  return contentType === undefined ? '' : (EXTENSIONS[contentType] ?? '');
}
