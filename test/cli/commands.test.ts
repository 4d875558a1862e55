// The executable end to end: --help, one-sentence errors with a non-zero exit and nothing
// written, hyphenated aliases, and the data commands on tiny inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const bin = fileURLToPath(new URL('../../../bin/discrete-gans.js', import.meta.url));

function cli(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function oneSentence(err: string, re: RegExp): void {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, `stderr should be one line: ${err}`);
  assert.match(lines[0], /^discrete-gans: /);
  assert.match(lines[0], re);
}

test('--help lists the data commands and says how flags are spelled', () => {
  const r = cli(['--help'], tmpdir());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /make-squares/);
  assert.match(r.out, /mnist-to-png/);
  assert.match(r.out, /--data_path/);
  const sub = cli(['make-squares', '--help'], tmpdir());
  assert.equal(sub.code, 0);
  assert.match(sub.out, /--out_dir/);
  assert.match(sub.out, /--square_size/);
});

test('--version prints the package.json version alone on stdout', () => {
  const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const r = cli([flag], tmpdir());
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `${version}\n`);
    assert.equal(r.err, '');
  }
});

test('a reader that closes the pipe early (| head) does not fail the command', async () => {
  // The read end is closed before the command writes: its write fails with EPIPE, which used
  // to end the process with an unhandled 'error' event (exit 1, a stack trace on stderr).
  const child = spawn(process.execPath, [bin, 'metrics', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 0, err);
  assert.equal(err, '');
});

test('bad flags end with one sentence, a non-zero exit, and nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-cli-'));
  try {
    const unknown = cli(['make-squares', '--bogus'], dir);
    assert.notEqual(unknown.code, 0);
    oneSentence(unknown.err, /unknown option '--bogus'/);
    const extra = cli(['make-squares', 'extra'], dir);
    assert.notEqual(extra.code, 0);
    oneSentence(extra.err, /too many arguments for 'make-squares' \(expected 0, got 1\)$/);
    const typo = cli(['make-squares', '--out_dri', 'x'], dir);
    assert.notEqual(typo.code, 0);
    oneSentence(typo.err, /unknown option '--out_dri' \(did you mean --out_dir\?\)/);
    const zero = cli(['make-squares', '--im_size', '0', '--out_dir', 'sq'], dir);
    assert.equal(zero.code, 2, zero.err);
    oneSentence(zero.err, /--im_size must be a positive integer, got "0"/);
    const raw = cli(['mnist-to-png', '--raw_dir', 'missing', '--out_dir', 'out'], dir);
    assert.equal(raw.code, 2, raw.err);
    oneSentence(raw.err, /missing does not exist/);
    const req = cli(['mnist-to-png', '--out_dir', 'out'], dir);
    assert.notEqual(req.code, 0);
    oneSentence(req.err, /--raw_dir/);
    assert.deepEqual(readdirSync(dir), [], 'nothing written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('make-squares with hyphenated aliases; mnist-to-png on tiny IDX files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-cli-'));
  try {
    const sq = cli(['make-squares', '--out-dir', 'sq', '--im-size', '8', '--square-size', '2', '--offset', '0', '--stride', '4'], dir);
    assert.equal(sq.code, 0, sq.err);
    assert.deepEqual(readdirSync(join(dir, 'sq')).sort(), ['0.png', '1.png', '2.png', '3.png']); // range(0, 6, 4) squared
    const again = cli(['make-squares', '--out_dir', 'sq'], dir);
    assert.equal(again.code, 2, again.err);
    oneSentence(again.err, /sq already exists and is not empty/);
    mkdirSync(join(dir, 'raw'));
    const images = (n: number): Buffer => {
      const b = Buffer.alloc(16 + n * 4);
      b.writeUInt32BE(2051, 0); b.writeUInt32BE(n, 4); b.writeUInt32BE(2, 8); b.writeUInt32BE(2, 12);
      return b;
    };
    const labels = (n: number): Buffer => {
      const b = Buffer.alloc(8 + n);
      b.writeUInt32BE(2049, 0); b.writeUInt32BE(n, 4);
      return b;
    };
    writeFileSync(join(dir, 'raw', 'train-images-idx3-ubyte.gz'), gzipSync(images(3)));
    writeFileSync(join(dir, 'raw', 'train-labels-idx1-ubyte.gz'), gzipSync(labels(3)));
    writeFileSync(join(dir, 'raw', 't10k-images-idx3-ubyte'), images(2));
    const noLabels = cli(['mnist-to-png', '--raw_dir', 'raw', '--out_dir', 'out'], dir);
    assert.equal(noLabels.code, 2, noLabels.err);
    oneSentence(noLabels.err, /no t10k-labels-idx1-ubyte/);
    assert.equal(existsSync(join(dir, 'out')), false);
    writeFileSync(join(dir, 'raw', 't10k-labels-idx1-ubyte'), labels(2));
    const ok = cli(['mnist-to-png', '--raw-dir', 'raw', '--out-dir', 'out'], dir);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(readdirSync(join(dir, 'out', 'training')).sort(), ['0_0.png', '1_0.png', '2_0.png']);
    assert.deepEqual(readdirSync(join(dir, 'out', 'testing')).sort(), ['0_0.png', '1_0.png']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
