/**
 * Neural-network layers, architectures and optimisers on top of the engine (knows nothing of
 * training loops or losses).
 * Module (parameters, buffers, submodules; PyTorch dotted state_dict names; train/eval),
 * Sequential, Linear, Conv2d, ConvTranspose2d, activations, BatchNorm, InstanceNorm, Adam,
 * and the architecture registry: buildGenerator / buildDiscriminator from `Name-key=value`
 * strings (FC, CNN here; other architectures call registerGenerator/registerDiscriminator from
 * their own module, imported below).
 */
export { Module, Sequential } from './module.js';
export { Linear, Conv2d, ConvTranspose2d, LeakyReLU, ReLU, Tanh, Sigmoid, Flatten, View, GlobalAvgPool, uniformInit } from './layers.js';
export type { LayerOptions, ConvOptions, ConvTransposeOptions } from './layers.js';
export { BatchNorm, InstanceNorm, normalizeOver } from './norm.js';
export { Adam } from './adam.js';
export type { AdamOptions, AdamState } from './adam.js';
export { buildGenerator, buildDiscriminator, checkGenerator, checkDiscriminator, registerGenerator, registerDiscriminator, generatorNames, discriminatorNames } from './architectures.js';
export type { ArchContext, ArchBuilder, ArchCheck } from './architectures.js';
export { FcGenerator, FcDiscriminator } from './fc.js';
export type { FcOptions, Normalize } from './fc.js';
export { CnnDiscriminator, cnnReceptiveField } from './cnn.js';
export type { CnnOptions } from './cnn.js';
// Architectures registered by other modules: add `import './<arch>.js';` here.
export { DcganGenerator, DcganDiscriminator } from './dcgan.js';
export type { DcganOptions } from './dcgan.js';
export { FastGanGenerator, FastGanDiscriminator, NoiseInjection, SEBlock, DownBlockComp, GLU, checkFastGanInput } from './fastgan.js';
export { spectralNorm, applySpectralNorm, spectralNormOf, SpectralNorm } from './spectral-norm.js';
