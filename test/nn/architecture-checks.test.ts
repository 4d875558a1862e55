import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDiscriminator, buildGenerator, checkDiscriminator, checkGenerator } from '../../src/nn/index.js';
import { Rng } from '../../src/engine/random.js';
import { runTraining } from '../../src/train/run.js';
import { tinyConfig } from '../train/helpers.js';

/** The error a call throws (its message), or null when it returns. */
function thrown(fn: () => unknown): string | null {
  try { fn(); return null; } catch (e) { return e instanceof Error ? e.message : String(e); }
}

// Strings and contexts the builders accept or refuse; the cheap check must agree on every one
// with the same message. FastGAN and DCGAN at 128 pixels are left out where they would build.
const generatorCases: Array<[string, number, number]> = [
  ['FC', 1, 8], ['FC-nf=16-depth=3-normalize=bn', 3, 8], ['FC-depth=1', 1, 8], ['FC-nf=0', 1, 8],
  ['FC-foo=2', 1, 8], ['FC-nf=abc', 1, 8], ['FC-normalize=xx', 1, 8],
  ['DCGAN-nf=4', 1, 64], ['DCGAN', 1, 32], ['DCGAN-nf=2', 1, 256], ['DCGAN-nf=0', 3, 64], ['DCGAN-normalize=bad', 1, 64],
  ['FastGAN', 1, 128], ['FastGAN', 3, 64], ['FastGAN', 1, 64], ['OldFastGAN-ngf=0', 3, 128], ['FastGAN-x=1', 3, 128],
  ['Nope', 1, 8],
];
const discriminatorCases: Array<[string, number, number]> = [
  ['FC-nf=8', 1, 8], ['FC-depth=1', 1, 8], ['FC-GAP=True', 1, 8],
  ['CNN-nf=4', 1, 16], ['CNN-GAP=False-depth=4-k=5-nf=2', 1, 32], ['CNN-depth=6-nf=2', 1, 16], ['CNN-k=0', 1, 16],
  ['CNN-GAP=maybe', 1, 16], ['CNN-normalize=bn-nf=2', 3, 16],
  ['DCGAN-nf=2', 1, 64], ['DCGAN', 1, 48], ['DCGAN-nf=-1', 1, 64],
  ['FastGAN', 1, 128], ['OldFastGAN', 3, 256], ['FastGAN-ndf=0', 3, 128],
];

const kinds = [
  ['generator', generatorCases, checkGenerator, buildGenerator],
  ['discriminator', discriminatorCases, checkDiscriminator, buildDiscriminator],
] as const;

test('each architecture check throws exactly what its builder throws, for accepted and refused strings', () => {
  for (const [kind, cases, check, build] of kinds) {
    for (const [text, channels, imSize] of cases) {
      const ctx = { zDim: 4, channels, imSize };
      assert.equal(thrown(() => check(text, ctx)), thrown(() => build(text, { ...ctx, rng: new Rng(0) })), `${kind} ${text} at ${channels}×${imSize}²`);
    }
    assert.ok(cases.some(([t, c, s]) => thrown(() => check(t, { zDim: 4, channels: c, imSize: s })) === null), `${kind}: some case is accepted`);
    assert.ok(cases.some(([t, c, s]) => thrown(() => check(t, { zDim: 4, channels: c, imSize: s })) !== null), `${kind}: some case is refused`);
  }
});

test('FastGAN at the wrong size and in grey names both flags in one sentence', () => {
  assert.equal(thrown(() => checkGenerator('FastGAN', { zDim: 4, channels: 1, imSize: 64 })),
    '--im_size 64 and --gray_scale: FastGAN works on 128×128 RGB images only (pass --im_size 128 and drop --gray_scale)');
  assert.match(thrown(() => checkGenerator('FastGAN', { zDim: 4, channels: 3, imSize: 64 })) ?? '', /^--im_size 64: /);
  assert.match(thrown(() => checkGenerator('FastGAN', { zDim: 4, channels: 1, imSize: 128 })) ?? '', /^--gray_scale: /);
});

test('train refuses a bad --disc_arch or --z_prior, naming the flag, before it reads the data folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dg-archcheck-'));
  try {
    // The data folder does not exist: reaching the loader would fail with a different message.
    const cfg = { ...tinyConfig(root, join(root, 'no-such-folder')), discArch: 'FC-nf=8-foo=3' };
    await assert.rejects(runTraining(cfg, { log: () => {} }), (e: unknown) => e instanceof Error && /^--disc_arch: "FC-nf=8-foo=3": unknown key "foo"/.test(e.message));
    const cnn = { ...tinyConfig(root, join(root, 'no-such-folder')), discArch: 'CNN-depth=9' };
    await assert.rejects(runTraining(cnn, { log: () => {} }), (e: unknown) => e instanceof Error && /^--disc_arch: "CNN-depth=9": .* leave nothing of a/.test(e.message));
    const prior = { ...tinyConfig(root, join(root, 'no-such-folder')), zPrior: 'const=0' };
    await assert.rejects(runTraining(prior, { log: () => {} }), (e: unknown) => e instanceof Error && /^--z_prior const=0: the number of codes must be at least 1/.test(e.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
