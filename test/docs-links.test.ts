/**
 * Every relative link in README.md and the guides (docs/**\/*.md, the generated docs/api aside)
 * points at a file that exists, and every `#anchor` at a heading of that file under both GitHub's and
 * typedoc's slugs (the guides are read on GitHub and in the typedoc site). Links name files, not
 * folders (the typedoc site has no folder pages), except a package's folder, which typedoc links to
 * the package's page.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'api' && dir === join(root, 'docs') ? [] : markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** Markdown text with fenced code blocks and inline code spans blanked out. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** Link targets: inline links and images `[text](target "title")`, reference definitions, HTML href/src. */
function linkTargets(text: string): string[] {
  const body = prose(text);
  const targets: string[] = [];
  for (const m of body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1] as string);
  for (const m of body.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)) targets.push(m[1] as string);
  for (const m of body.matchAll(/\b(?:href|src)="([^"]+)"/g)) targets.push(m[1] as string);
  return targets;
}

/** A heading's text: link syntax and emphasis marks dropped, code spans kept (`keep`) or left out. */
const headingText = (raw: string, code: 'keep' | 'drop'): string =>
  raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(`+)([\s\S]*?)\1/g, (_, __, inner: string) => (code === 'keep' ? inner : ''))
    .replace(/(\*{1,3}|_{1,3})(\S[\s\S]*?)\1/g, '$2');

/** GitHub's slug: code spans kept, lower-cased, punctuation (but `-` and `_`) dropped, each space a `-`. */
const githubSlug = (raw: string): string =>
  headingText(raw, 'keep')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');

/**
 * typedoc 0.28's slug (its `Slugger` over the heading's text tokens, so code spans are left out):
 * punctuation and U+2000–206F dropped, whitespace `-`, the first run of `-` merged, lower-cased.
 */
const typedocSlug = (raw: string): string =>
  headingText(raw, 'drop')
    .trim()
    .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,./:;<=>?@[\]^`{|}~]/g, '')
    .replace(/\s/g, '-')
    .replace(/--+/, '-')
    .toLowerCase();

/** Anchors of a markdown file's headings under one slug rule (duplicates numbered `-1`, `-2`, ...). */
function headingAnchors(text: string, slug: (heading: string) => string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with a relative link from `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:, ...
  const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  if (!existsSync(resolved)) return 'no such file';
  if (statSync(resolved).isDirectory()) {
    // typedoc links a package's folder to the package's page; any other folder goes nowhere there.
    return existsSync(join(resolved, 'package.json'))
      ? undefined
      : 'a folder, not a file (the typedoc site cannot link it)';
  }
  if (anchor !== undefined && resolved.endsWith('.md')) {
    const text = readFileSync(resolved, 'utf8');
    if (!headingAnchors(text, githubSlug).has(anchor)) return `no heading #${anchor} on GitHub`;
    if (!headingAnchors(text, typedocSlug).has(anchor)) return `no heading #${anchor} in the typedoc site`;
  }
  return undefined;
}

const pages = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

describe('docs links', () => {
  it('finds the guides', () => {
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.map((p) => relative(root, p).split(sep).join('/'))).toContain('docs/architecture.md');
  });

  it.each(pages.map((p) => [relative(root, p).split(sep).join('/'), p] as const))(
    '%s has no broken relative link',
    (_, page) => {
      const broken = linkTargets(readFileSync(page, 'utf8')).flatMap((target) => {
        const why = brokenLink(page, target);
        return why === undefined ? [] : [`${target}: ${why}`];
      });
      expect(broken).toEqual([]);
    },
  );
});

describe('the link check itself', () => {
  it('reads inline links, reference definitions and href, but not code', () => {
    const text = [
      'See [a](a.md "title") and ![img](pic.png), [ref]: ref.md',
      '[def]: <def.md> "Title"',
      '<a href="html.md">x</a> `[code](code.md)`',
      '```md',
      '[fenced](fenced.md)',
      '```',
    ].join('\n');
    expect(linkTargets(text)).toEqual(['a.md', 'pic.png', 'def.md', 'html.md']);
  });

  it('slugs headings as GitHub and typedoc do, which differ on code spans and runs of dashes', () => {
    const text =
      '# The demo: against *your* endpoints!\n## Options\n## Options\n### SFTP / FTP\n## qc: `pnpm bench qc`';
    expect([...headingAnchors(text, githubSlug)]).toEqual([
      'the-demo-against-your-endpoints',
      'options',
      'options-1',
      'sftp--ftp',
      'qc-pnpm-bench-qc',
    ]);
    expect([...headingAnchors(text, typedocSlug)]).toEqual([
      'the-demo-against-your-endpoints',
      'options',
      'options-1',
      'sftp-ftp',
      'qc',
    ]);
  });

  it('rejects a missing file, a folder and a missing anchor; accepts URLs and good anchors', () => {
    const readme = join(root, 'README.md');
    expect(brokenLink(readme, 'docs/nope.md')).toBe('no such file');
    expect(brokenLink(readme, 'docs/adapters')).toMatch(/folder/);
    expect(brokenLink(readme, 'docs/distribution.md#no-such-heading')).toMatch(/no heading/);
    // '## Options (`createEbuCoreExporter`)': GitHub's anchor keeps the code, typedoc's does not.
    expect(brokenLink(readme, 'docs/adapters/ebucore.md#options-createebucoreexporter')).toMatch(/typedoc/);
    expect(brokenLink(readme, 'docs/adapters/ebucore.md#options')).toMatch(/GitHub/);
    expect(brokenLink(readme, 'https://example.com/x.md')).toBeUndefined();
    expect(brokenLink(readme, 'docs/contributing.md')).toBeUndefined();
    expect(brokenLink(readme, 'packages/core')).toBeUndefined();
    expect(brokenLink(readme, 'docs/distribution.md#the-demo-against-your-endpoints')).toBeUndefined();
  });
});
