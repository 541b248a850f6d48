/**
 * Messages between the page and its worker (web/src/worker.ts), which holds the files, the
 * machines and the backend, so that parsing and scoring never hold up the page.
 */
import type { HostArray2D } from '../../src/index.js';
import type { DetPoint } from '../../src/math/det.js';

export interface Upload {
  name: string;
  bytes: Uint8Array;
}

/** What the page draws and labels from a machine. */
export interface MachineSummary {
  nGaussians: number;
  nFeatures: number;
  means: Float64Array;
  variances: Float64Array;
  /** Full covariances [K, D, D], or the tied one [D, D]; null for diagonal machines (variances then). */
  covariances: Float64Array | null;
  tied: boolean;
}

export interface Machines {
  model: MachineSummary | null;
  ubm: MachineSummary | null;
  /** The model is MAP-adapted and waits for its UBM. */
  modelWaits: boolean;
}

export interface FeaturesSummary {
  name: string;
  shape: [number, number];
  /** Features 0 and 1 of every `every`-th sample, for the scatter plot (null: fewer than 2 features; see the points request). */
  points: HostArray2D | null;
  every: number;
}

export interface Bins {
  lo: number;
  hi: number;
  counts: number[];
  nonFinite: number;
  /** With labels that fit: the genuine and the impostor scores on the same bins. */
  split?: { genuine: number[]; impostor: number[] };
}

export interface LabelsSummary {
  name: string;
  count: number;
  genuine: number;
}

/** The scores' DET curve against the labels (at most a few thousand points) and its EER. */
export interface Det {
  curve: DetPoint[];
  eer: number;
  genuine: number;
  impostor: number;
}

export interface Scores {
  count: number;
  average: number;
  /** The first rows, for the table: log-likelihoods, the UBM's, and the scores (LLR with a UBM). */
  ll: Float64Array;
  llUbm: Float64Array | null;
  scores: Float64Array;
  bins: Bins;
  ms: number;
  /** With labels: their DET curve, or why the labels do not fit the scores. */
  det: Det | string | null;
}

export interface Backend {
  /** The backend's line: its name and device. */
  info: string;
  name: string;
  /** For 'auto': why this backend (the probe's times). */
  why: string | null;
}

export interface Adapted {
  bytes: Uint8Array;
  nIter: number;
  ms: number;
}

export interface Requests {
  backend: [{ name: string }, Backend];
  machines: [{ model: Upload | null; ubm: Upload | null }, Machines];
  features: [{ file: File | null }, FeaturesSummary | null];
  labels: [{ file: File | null }, LabelsSummary | null];
  score: [{ tableRows: number }, Scores | null];
  adapt: [{ relevance: number; steps: number }, Adapted];
  scoresCsv: [Record<string, never>, Uint8Array];
  points: [{ x: number; y: number }, HostArray2D];
  example: [Record<string, never>, { ubm: Uint8Array; model: Uint8Array; features: Uint8Array; labels: Uint8Array }];
}

export type Kind = keyof Requests;

export type Request = { [K in Kind]: { id: number; kind: K; args: Requests[K][0] } }[Kind] | { kind: 'cancel' };

export interface Progress {
  /** 'reading', 'parsing', 'scoring', 'adapting', 'probing' */
  phase: string;
  done: number;
  total: number;
}

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; user: boolean; cancelled: boolean }
  | { id: number; progress: Progress };
