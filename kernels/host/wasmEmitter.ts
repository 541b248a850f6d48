/**
 * A minimal WebAssembly binary writer: just what the host e-step kernel needs
 * (i32/f32/f64 scalars, 128-bit SIMD, loops, one imported memory and imported
 * functions). Loops are unrolled by the generator in TypeScript, so the module
 * stays small and needs no assembler at build time.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const F32 = 0x7d;
export const V128 = 0x7b;
type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

function uleb(value: number, out: number[]): void {
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
}

function sleb(value: number, out: number[]): void {
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function bytesOf(array: Float32Array | Float64Array): number[] {
  return Array.from(new Uint8Array(array.buffer));
}

/** A local variable (parameters come first, in declaration order). */
export interface Local {
  readonly index: number;
}

/** Builds one function body; each method appends one instruction. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(readonly params: ValType[], readonly results: ValType[]) {}

  param(i: number): Local {
    return { index: i };
  }

  local(type: ValType): Local {
    this.locals.push(type);
    return { index: this.params.length + this.locals.length - 1 };
  }

  body(): number[] {
    const out: number[] = [];
    uleb(this.locals.length, out);
    for (const t of this.locals) out.push(1, t);
    out.push(...this.code, 0x0b);
    return out;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private withIndex(opcode: number, index: number): this {
    this.code.push(opcode);
    uleb(index, this.code);
    return this;
  }

  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  /** A memory access; offsets are in bytes, alignment given as log2. */
  private mem(prefixed: boolean, opcode: number, align: number, offset: number): this {
    if (prefixed) this.simd(opcode);
    else this.code.push(opcode);
    uleb(align, this.code);
    uleb(offset, this.code);
    return this;
  }

  get(l: Local): this {
    return this.withIndex(0x20, l.index);
  }
  set(l: Local): this {
    return this.withIndex(0x21, l.index);
  }
  tee(l: Local): this {
    return this.withIndex(0x22, l.index);
  }
  call(funcIndex: number): this {
    return this.withIndex(0x10, funcIndex);
  }

  // control
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.withIndex(0x0c, depth);
  }
  brIf(depth: number): this {
    return this.withIndex(0x0d, depth);
  }

  // i32
  i32(value: number): this {
    this.code.push(0x41);
    sleb(value | 0, this.code);
    return this;
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }

  // f32 / f64
  f32(value: number): this {
    return this.op(0x43, ...bytesOf(Float32Array.of(value)));
  }
  f64(value: number): this {
    return this.op(0x44, ...bytesOf(Float64Array.of(value)));
  }
  f32Max(): this {
    return this.op(0x97);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Div(): this {
    return this.op(0xa3);
  }
  f64Eq(): this {
    return this.op(0x61);
  }
  f32DemoteF64(): this {
    return this.op(0xb6);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  f32Store(offset = 0): this {
    return this.mem(false, 0x38, 2, offset);
  }
  f64Store(offset = 0): this {
    return this.mem(false, 0x39, 3, offset);
  }

  // v128
  v128Load(offset = 0): this {
    return this.mem(true, 0x00, 4, offset);
  }
  v128Store(offset = 0): this {
    return this.mem(true, 0x0b, 4, offset);
  }
  /** Loads one f32 into all four lanes. */
  load32Splat(offset = 0): this {
    return this.mem(true, 0x09, 2, offset);
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  f32x4ExtractLane(lane: number): this {
    this.simd(0x1f);
    this.code.push(lane);
    return this;
  }
  f32x4Ge(): this {
    return this.simd(0x46);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  f32x4Nearest(): this {
    return this.simd(0x6a);
  }
  i32x4Shl(): this {
    return this.simd(0xab);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  i32x4TruncSatF32x4S(): this {
    return this.simd(0xf8);
  }
  /** Relaxed SIMD: a * b + c, fused or not as the machine prefers. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  /** A splatted f32 constant. */
  f32x4(value: number): this {
    return this.f32(value).f32x4Splat();
  }

  /** local += step (i32). */
  inc(l: Local, step: number | Local): this {
    this.get(l);
    if (typeof step === 'number') this.i32(step);
    else this.get(step);
    return this.i32Add().set(l);
  }

  /**
   * for (i = start; i < end; i += step) body(), end given as a local: the
   * condition is tested before each pass (the body may run zero times).
   */
  forRange(i: Local, start: number | Local, end: Local, step: number, body: () => void): this {
    if (typeof start === 'number') this.i32(start);
    else this.get(start);
    this.set(i).block().loop();
    this.get(i).get(end).i32GeS().brIf(1);
    body();
    this.inc(i, step).br(0).end().end();
    return this;
  }
}

export interface ImportedFunction {
  module: string;
  name: string;
  params: ValType[];
  results: ValType[];
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

function name(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  uleb(bytes.length, out);
  out.push(...bytes);
}

function funcType(params: ValType[], results: ValType[], out: number[]): void {
  out.push(0x60);
  uleb(params.length, out);
  out.push(...params);
  uleb(results.length, out);
  out.push(...results);
}

/**
 * A module importing env.memory (shared when asked, for worker threads) and
 * the given functions, and exporting the given functions. Imported functions
 * take the first indices, so an export's index is imports.length + its position.
 */
export function buildModule(
  imports: ImportedFunction[],
  exports: { name: string; fn: FunctionBuilder }[],
  memory: { shared: boolean; maxPages: number },
): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(imports.length + exports.length, types);
  for (const f of imports) funcType(f.params, f.results, types);
  for (const { fn } of exports) funcType(fn.params, fn.results, types);
  section(1, types, out);

  const imp: number[] = [];
  uleb(imports.length + 1, imp);
  name('env', imp);
  name('memory', imp);
  imp.push(0x02, memory.shared ? 0x03 : 0x01);
  uleb(1, imp);
  uleb(memory.maxPages, imp);
  imports.forEach((f, i) => {
    name(f.module, imp);
    name(f.name, imp);
    imp.push(0x00);
    uleb(i, imp);
  });
  section(2, imp, out);

  const funcs: number[] = [];
  uleb(exports.length, funcs);
  exports.forEach((_, i) => uleb(imports.length + i, funcs));
  section(3, funcs, out);

  const exp: number[] = [];
  uleb(exports.length, exp);
  exports.forEach((e, i) => {
    name(e.name, exp);
    exp.push(0x00);
    uleb(imports.length + i, exp);
  });
  section(7, exp, out);

  const code: number[] = [];
  uleb(exports.length, code);
  for (const { fn } of exports) {
    const body = fn.body();
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code, out);
  return Uint8Array.from(out);
}
