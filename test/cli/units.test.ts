/** The CLI's small parts, in-process: options, output formats, progress display, EER and DET math. */
import { Args } from '../../src/cli/args.js';
import { render } from '../../src/cli/format.js';
import { createProgress } from '../../src/cli/progress.js';
import { detCurve, equalErrorRate, probit } from '../../src/math/det.js';

describe('options', () => {
  const spec = { data: 'values', out: 'value', quiet: 'flag', steps: 'value' } as const;

  it('reads values, lists, flags and --name=value', () => {
    const args = Args.parse('score', ['--data', 'a.npy', 'b.npy', '--out=x.h5', '-q', '--steps', '3'], spec);
    expect(args.requiredList('data')).toEqual(['a.npy', 'b.npy']);
    expect(args.string('out')).toBe('x.h5');
    expect(args.flag('quiet')).toBe(true);
    expect(args.positiveInteger('steps')).toBe(3);
  });

  it('names the option in each error', () => {
    expect(() => Args.parse('train', ['--nope'], spec)).toThrow("--nope: unknown option for 'train'");
    expect(() => Args.parse('train', ['--out'], spec)).toThrow('--out: needs a value');
    expect(() => Args.parse('train', ['--steps', '2.5'], spec).positiveInteger('steps')).toThrow("--steps: expected a positive integer; got '2.5'");
    expect(() => Args.parse('train', [], spec).requiredString('out')).toThrow('train: --out is required');
  });
});

describe('output formats', () => {
  const result = { json: { a: 1 }, columns: ['file', 'score'], rows: [['x, y.npy', -1.5], ['z.npy', 2]] };

  it('prints JSON, quoted CSV and aligned tables', () => {
    expect(JSON.parse(render(result, 'json'))).toEqual({ a: 1 });
    expect(render(result, 'csv')).toBe('file,score\n"x, y.npy",-1.5\nz.npy,2\n');
    expect(render(result, 'table')).toBe('file      score\nx, y.npy  -1.5\nz.npy     2\n');
  });
});

describe('progress', () => {
  function stream(isTTY: boolean) {
    const written: string[] = [];
    return { written, stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
  }
  const steps = [
    { step: 1, averageLogLikelihood: -3.5, convergenceValue: null },
    { step: 2, averageLogLikelihood: -3.25, convergenceValue: 0.0714 },
  ];

  it('redraws one bar on a terminal', () => {
    const { written, stream: s } = stream(true);
    const progress = createProgress(false, s);
    const onStep = progress.em('EM', 1000, 10);
    steps.forEach(onStep);
    progress.end();
    expect(written).toHaveLength(3);
    expect(written[1].startsWith(`\r\x1b[KEM [${'#'.repeat(5)}${'.'.repeat(19)}] 2/10  avg log-likelihood -3.250000  convergence 7.14e-2  `)).toBe(true);
    expect(written[1]).toMatch(/ frames\/s$/);
    expect(written[2]).toBe('\n');
  });

  it('prints plain lines when not a terminal, and nothing with --quiet', () => {
    const plain = stream(false);
    const progress = createProgress(false, plain.stream);
    steps.forEach(progress.em('EM', 1000, null));
    expect(plain.written).toHaveLength(2);
    expect(plain.written[0]).toMatch(/^EM: step 1 {2}avg log-likelihood -3\.500000 {2}convergence - {2}.* frames\/s\n$/);
    const quiet = stream(false);
    createProgress(true, quiet.stream).em('EM', 1000, 5)(steps[0]);
    expect(quiet.written).toHaveLength(0);
  });
});

describe('equal error rate', () => {
  it('is 0 for separated scores and 0.5 where the rates cross at one half', () => {
    expect(equalErrorRate(detCurve([3, 4, 5], [0, 1, 2]))).toBe(0);
    expect(equalErrorRate(detCurve([2, 4], [1, 3]))).toBe(0.5);
  });

  it('interpolates between the points around the crossing', () => {
    // FRR stays 1/3 while FAR falls from 1/2 (threshold 3) to 1/4 (threshold 3.5).
    expect(equalErrorRate(detCurve([1, 3.5, 5], [0, 2, 3, 4]))).toBeCloseTo(1 / 3, 12);
  });

  it('probit is the standard normal quantile', () => {
    expect(probit(0.975)).toBeCloseTo(1.959963985, 8);
    expect(probit(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(probit(0.5)).toBe(0);
  });
});
