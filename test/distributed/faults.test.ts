/**
 * Faults and access: a worker SIGKILLed mid-job (its job is taken over, same model), Redis
 * killed mid-run (a clear error, no output file), a password-protected Redis, TLS, and a worker
 * refusing a shard outside its data root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectClose } from '../helpers/expectClose.js';
import { buildOnce, tfjsEm } from '../cli/cli.js';
import { blobs, tempDir, writeNpy } from '../cli/fixtures.js';
import { expectOk, parameters, startRedis, startWorker, stopProcess, withRedis, type WorkerProcess } from './redis.js';

const dir = tempDir();
const shardDir = path.join(dir, 'shards');
mkdirSync(shardDir);
const centres = Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, j) => ((i * 7 + j * 3) % 11) - 5));
// Shards large enough that a job lasts a while: the worker is killed while it runs one.
const shards = [0, 1, 2, 3].map((i) => writeNpy(path.join(shardDir, `s${i}.npy`), blobs(centres, 1500, 20 + i)));

/** A private CA and a server certificate for 127.0.0.1 (openssl). */
function certificates(folder: string): { cert: string; key: string; ca: string } {
  mkdirSync(folder);
  const f = (name: string) => path.join(folder, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tfjs-em test CA', '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('server.key'), '-out', f('server.csr')]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server.pem')]);
  return { cert: f('server.pem'), key: f('server.key'), ca: f('ca.pem') };
}

withRedis(() => {
  const started: WorkerProcess[] = [];
  let init: string;
  let localModel: string;

  beforeAll(async () => {
    await buildOnce();
    init = path.join(dir, 'init.h5');
    expectOk(await tfjsEm(['train', '--data', shardDir, '--gaussians', '8', '--steps', '1', '--out', init, '-q']));
    localModel = path.join(dir, 'local.h5');
    expectOk(await tfjsEm(['train', '--data', shardDir, '--init', init, '--steps', '3', '--out', localModel, '-q']));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(started.map((w) => stopProcess(w.child, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a worker SIGKILLed mid-job: another takes its job over once the lock expires; same model as local', async () => {
    const redis = await startRedis();
    try {
      const doomed = await startWorker(redis.url, ['--lock-duration', '4000']);
      started.push(doomed);
      const out = path.join(dir, 'killed.h5');
      const run = tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--init', init, '--steps', '3', '--out', out]);
      await doomed.waitFor(/job (\S+) gmm-stats \S+ started/);
      doomed.child.kill('SIGKILL');
      const killedJob = /job (\S+) gmm-stats \S+ started/.exec(doomed.stderr())![1];
      const rescuer = await startWorker(redis.url, ['--lock-duration', '4000']);
      started.push(rescuer);
      const result = await run;
      expectOk(result);
      expect(rescuer.stderr()).toContain(`job ${killedJob} gmm-stats`); // the killed job ran again
      expectClose(await parameters(out), await parameters(localModel), 1e-6);
      expect(await rescuer.stop()).toBe(0);
    } finally {
      await redis.stop();
    }
  });

  test('Redis killed mid-run: a clear error and no output file', async () => {
    const redis = await startRedis();
    try {
      started.push(await startWorker(redis.url));
      const out = path.join(dir, 'lost.h5');
      // Steps enough that the run cannot end before Redis does (an e-step of these shards takes milliseconds).
      const run = await tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--init', init, '--steps', '100000', '--threshold', '0', '--out', out], {
        onStderr: (text) => {
          if (/EM: step 1\//.test(text)) void redis.stop();
        },
      });
      expect(run.code).toBe(1);
      expect(run.errLines.filter((l) => l.startsWith('tfjs-em:'))).toEqual([
        expect.stringMatching(new RegExp(`^tfjs-em: redis://127\\.0\\.0\\.1:${redis.port}: lost the connection to Redis`)),
      ]);
      expect(existsSync(out)).toBe(false);
    } finally {
      await redis.stop();
    }
  });

  test('redis:// with a password: workers and runs that give it work; without it, a clear error', async () => {
    const redis = await startRedis(['--requirepass', 's3cret'], 's3cret');
    try {
      started.push(await startWorker(redis.url));
      const out = path.join(dir, 'password.h5');
      expectOk(await tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--init', init, '--steps', '3', '--out', out, '-q']));
      expectClose(await parameters(out), await parameters(localModel), 1e-6);
      const anonymous = `redis://127.0.0.1:${redis.port}`;
      const refused = await tfjsEm(['train', '--redis', anonymous, '--data', shardDir, '--init', init, '--out', path.join(dir, 'never.h5')]);
      expect(refused.code).toBe(1);
      expect(refused.errLines).toEqual([expect.stringMatching(new RegExp(`^tfjs-em: ${anonymous}: cannot connect to Redis \\(NOAUTH`))]);
    } finally {
      await redis.stop();
    }
  });

  test('rediss:// (TLS, a private CA given by NODE_EXTRA_CA_CERTS): workers and runs work over it', async () => {
    const tls = certificates(path.join(dir, 'tls'));
    const redis = await startRedis([], undefined, tls);
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = tls.ca; // read by the worker and train processes
    try {
      expect(redis.url).toMatch(/^rediss:\/\//);
      started.push(await startWorker(redis.url));
      const out = path.join(dir, 'tls.h5');
      expectOk(await tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--init', init, '--steps', '3', '--out', out, '-q']));
      expectClose(await parameters(out), await parameters(localModel), 1e-6);
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
      await redis.stop();
    }
  });

  test('a worker refuses a shard outside its --data-root: the run fails naming the shard', async () => {
    const redis = await startRedis();
    try {
      const rootDir = path.join(dir, 'root');
      mkdirSync(rootDir);
      started.push(await startWorker(redis.url, ['--data-root', rootDir]));
      const run = await tfjsEm(['train', '--redis', redis.url, '--data', shards[0], '--gaussians', '2', '--out', path.join(dir, 'never.h5')]);
      expect(run.code).toBe(1);
      expect(run.errLines.filter((l) => l.startsWith('tfjs-em:'))).toEqual([
        `tfjs-em: ${shards[0]}: job payload: ${shards[0]} is outside the worker's data root ${rootDir}`,
      ]);
    } finally {
      await redis.stop();
    }
  });
});
