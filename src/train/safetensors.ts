/**
 * The safetensors file format (https://huggingface.co/docs/safetensors): 8 bytes little-endian
 * header length N, N bytes of JSON header `{name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__": {string: string}}`, then the raw little-endian tensor bytes. The header is
 * padded with spaces to a multiple of 8 bytes, as the reference writer does.
 *
 * Owns: encoding and decoding such bytes for F32, F64 and I32 tensors. Knows nothing of
 * what the tensors are (checkpoint.ts decides names and metadata).
 */
export type SafeDType = 'F32' | 'F64' | 'I32';
export type SafeArray = Float32Array | Float64Array | Int32Array;

export interface SafeTensor {
  readonly data: SafeArray;
  readonly shape: readonly number[];
}

function dtypeOf(a: SafeArray): SafeDType {
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof Float64Array) return 'F64';
  return 'I32';
}

const BYTES: Record<SafeDType, number> = { F32: 4, F64: 8, I32: 4 };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeSafetensors(tensors: ReadonlyMap<string, SafeTensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error('"__metadata__" is not a tensor name');
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] holds ${count} values, data has ${t.data.length}`);
    const dtype = dtypeOf(t.data);
    const bytes = count * BYTES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let pos = 8 + json.length;
  for (const t of tensors.values()) {
    const view = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    view.copy(out, pos);
    if (!LITTLE_ENDIAN) {
      const width = t.data.BYTES_PER_ELEMENT;
      for (let i = pos; i < pos + view.length; i += width) out.subarray(i, i + width).reverse();
    }
    pos += view.length;
  }
  return out;
}

export interface DecodedSafetensors {
  readonly tensors: Map<string, SafeTensor>;
  readonly metadata: Record<string, string>;
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error('not a safetensors file: header length past the end of the file');
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  const base = 8 + n;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(e.dtype in BYTES)) throw new Error(`tensor ${name}: dtype ${e.dtype} is not supported (F32, F64, I32)`);
    const dtype = e.dtype as SafeDType;
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype] || base + end > buf.length) throw new Error(`tensor ${name}: offsets do not match its shape or the file`);
    const raw = Buffer.from(buf.subarray(base + begin, base + end)); // copy: aligned, owned
    if (!LITTLE_ENDIAN) for (let i = 0; i < raw.length; i += BYTES[dtype]) raw.subarray(i, i + BYTES[dtype]).reverse();
    const ab = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    const data = dtype === 'F32' ? new Float32Array(ab) : dtype === 'F64' ? new Float64Array(ab) : new Int32Array(ab);
    tensors.set(name, { data, shape: e.shape });
  }
  return { tensors, metadata };
}
