/**
 * The demo's synthetic speaker-verification task, deterministic for a seed: MFCC-like frames
 * (spread decreasing with the coefficient index) drawn from speaker-specific GMMs whose means
 * are moved away from a shared background GMM, with a small per-utterance channel offset so
 * that the task is not trivially separable.
 */
import type { HostArray2D } from '../data/matrix.js';
import { Random } from '../math/random.js';

export interface TaskSize {
  speakers: number;
  /** Speakers of the UBM training set, disjoint from the enrolled ones. */
  worldSpeakers: number;
  /** Frames per world speaker, in worldSessions utterances of their own channel each. */
  worldFrames: number;
  worldSessions: number;
  enrolFrames: number;
  testsPerSpeaker: number;
  testFrames: number;
  features: number;
  components: number;
}

export interface Speaker {
  id: string;
  enrol: HostArray2D;
  tests: HostArray2D[];
}

export interface Task {
  /** Every world utterance, one after another. */
  world: HostArray2D;
  /** The world utterances with their speakers (the i-vector back-end's training set). */
  worldUtterances: { speaker: number; data: HostArray2D }[];
  speakers: Speaker[];
}

/** Spread of the speaker offsets and the channel offsets, relative to each feature's scale. */
const SPEAKER_SPREAD = 0.14;
const CHANNEL_SPREAD = 0.1;

interface Background {
  weights: number[];
  means: number[][];
  stds: number[][];
  /** Scale of each feature (MFCC-like: decreasing with the index). */
  scale: number[];
}

export function makeTask(size: TaskSize, seed: number): Task {
  const rng = new Random(seed);
  const bg = background(size, rng);
  const world: { speaker: number; data: Float64Array }[] = [];
  for (let w = 0; w < size.worldSpeakers; w++) {
    const means = speakerMeans(bg, rng);
    for (let s = 0; s < size.worldSessions; s++) world.push({ speaker: w, data: utterance(bg, means, size.worldFrames / size.worldSessions, rng) });
  }
  const speakers = Array.from({ length: size.speakers }, (_, s) => {
    const means = speakerMeans(bg, rng);
    const enrol = utterance(bg, means, size.enrolFrames, rng);
    const tests = Array.from({ length: size.testsPerSpeaker }, () => utterance(bg, means, size.testFrames, rng));
    return { id: `spk${String(s + 1).padStart(2, '0')}`, enrol: rows(enrol, size.features), tests: tests.map((t) => rows(t, size.features)) };
  });
  return {
    world: rows(concat(world.map((u) => u.data)), size.features),
    worldUtterances: world.map((u) => ({ speaker: u.speaker, data: rows(u.data, size.features) })),
    speakers,
  };
}

function background(size: TaskSize, rng: Random): Background {
  const scale = Array.from({ length: size.features }, (_, j) => 1 / (1 + 0.15 * j));
  const component = () => ({
    mean: scale.map((s) => 4 * s * rng.normal()),
    std: scale.map((s) => s * (0.6 + 0.8 * rng.random())),
    weight: 0.5 + rng.random(),
  });
  const cs = Array.from({ length: size.components }, component);
  const total = cs.reduce((t, c) => t + c.weight, 0);
  return { weights: cs.map((c) => c.weight / total), means: cs.map((c) => c.mean), stds: cs.map((c) => c.std), scale };
}

function speakerMeans(bg: Background, rng: Random): number[][] {
  return bg.means.map((mean) => mean.map((m, j) => m + SPEAKER_SPREAD * bg.scale[j] * rng.normal()));
}

function utterance(bg: Background, means: number[][], frames: number, rng: Random): Float64Array {
  const d = bg.scale.length;
  const channel = bg.scale.map((s) => CHANNEL_SPREAD * s * rng.normal());
  const out = new Float64Array(frames * d);
  for (let i = 0; i < frames; i++) {
    const c = rng.weightedIndex(bg.weights);
    for (let j = 0; j < d; j++) out[i * d + j] = means[c][j] + channel[j] + bg.stds[c][j] * rng.normal();
  }
  return out;
}


function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function rows(data: Float64Array, d: number): HostArray2D {
  return { data, shape: [data.length / d, d] };
}
