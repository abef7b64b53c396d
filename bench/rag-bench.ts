import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { fmt, peakRssMiB, summarize } from './stats.js';
import { accountOnUpstream, startUpstream } from './upstream-process.js';

/**
 * Knowledge base throughput and latency on the embedded database: index a generated corpus
 * (BENCH_RAG_MB, default 12 MB, in 50-token chunks: about 110k segments), then time hit tests
 * for each strategy over HTTP. Embeddings come from the fake upstream (16 dimensions).
 */
const CORPUS_MB = Number(process.env.BENCH_RAG_MB ?? 12);
const DOCUMENTS = Number(process.env.BENCH_RAG_DOCUMENTS ?? 200);
const CHUNK_TOKENS = Number(process.env.BENCH_RAG_CHUNK_TOKENS ?? 50);
const QUERIES = Number(process.env.BENCH_RAG_QUERIES ?? 200);

const SYLLABLES = 'ka ri to na mi su lo pe de chu an zo el vi ra mo ten gu bal sor fin'.split(' ');
const CJK = '退货政策快递发票保修账户密码支付优惠客服门店地址电话安装更新备份隐私安全'.split('');
/** A vocabulary of 5,000 made-up words (some Chinese), drawn with a Zipf-like skew like real text. */
const WORDS = Array.from({ length: 5000 }, (_, i) =>
  i % 10 === 9
    ? CJK[i % CJK.length]! + CJK[(i * 7) % CJK.length]!
    : SYLLABLES[i % SYLLABLES.length]! +
      SYLLABLES[Math.floor(i / SYLLABLES.length) % SYLLABLES.length]! +
      (i >= 441 ? SYLLABLES[(i * 3) % SYLLABLES.length]! : ''),
);

function zipfWord(r: number): string {
  // r in [0, 1): low ranks are frequent, the tail is long.
  return WORDS[Math.min(WORDS.length - 1, Math.floor(WORDS.length ** r) - 1)]!;
}

/** Deterministic pseudo-random text: the same corpus every run. */
function corpusDocument(seed: number, bytes: number): string {
  let x = seed * 2654435761;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0), x / 2 ** 32);
  const sentences: string[] = [];
  let size = 0;
  while (size < bytes) {
    const length = 6 + Math.floor(next() * 10);
    const sentence = Array.from({ length }, () => zipfWord(next())).join(' ') + '.';
    sentences.push(sentence);
    size += Buffer.byteLength(sentence) + 1;
    if (next() < 0.15) sentences.push('\n');
  }
  return sentences.join(' ');
}

async function upload(baseUrl: string, token: string, name: string, text: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const res = await fetch(`${baseUrl}/upload-files/file`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { data: { id: string } };
  if (res.status !== 200) throw new Error(`upload failed: ${JSON.stringify(body)}`);
  return body.data.id;
}

const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-rag-'));
const upstream = await startUpstream();
const server = await spawnServer({ STORAGE_DIR: storageDir, SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl', LOG_LEVEL: 'info' });
try {
  const client = new HttpClient(server.baseUrl);
  const token = await accountOnUpstream(client, upstream, [{ model: 'fake-embed', model_type: 'embedding' }], 'rag');
  const dataset = await client.post('/datasets', {
    token,
    body: { name: 'Bench', indexing_technique: 'high_quality', embedding_model: { provider: 'openai_compatible', model: 'fake-embed' } },
  });
  const datasetId = dataset.body.data.id as string;

  const perDocument = Math.ceil((CORPUS_MB * 1024 * 1024) / DOCUMENTS);
  const fileIds: string[] = [];
  for (let i = 0; i < DOCUMENTS; i++) fileIds.push(await upload(server.baseUrl, token, `doc-${i}.txt`, corpusDocument(i + 1, perDocument)));
  const rule = {
    pre_process_rules: [{ id: 'remove_extra_space', enabled: true }],
    segment: { separators: ['\n', '. ', ' '], chunk_size: CHUNK_TOKENS, chunk_overlap: 0 },
  };

  const started = performance.now();
  const batches: string[] = [];
  for (let i = 0; i < fileIds.length; i += 100) {
    const res = await client.post(`/datasets/${datasetId}/documents`, {
      token,
      body: { upload_file_ids: fileIds.slice(i, i + 100), process_type: 'custom', rule },
    });
    if (res.status !== 200) throw new Error(`documents not created: ${JSON.stringify(res.body)}`);
    batches.push(res.body.data.batch);
  }
  let segments = 0;
  for (;;) {
    let done = true;
    segments = 0;
    for (const batch of batches) {
      const docs = (await client.get(`/datasets/${datasetId}/documents/batch/${batch}`, { token })).body.data.documents as Array<{
        status: string;
        segment_count: number;
      }>;
      if (docs.some((d) => d.status !== 'completed' && d.status !== 'error')) done = false;
      if (docs.some((d) => d.status === 'error')) throw new Error('a document failed to index');
      segments += docs.reduce((n, d) => n + d.segment_count, 0);
    }
    if (done) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  const upstreamStats = (await (await fetch(upstream.statsUrl)).json()) as Record<string, { calls: number; inputs: number }>;
  const embed = upstreamStats['/v1/embeddings'] ?? { calls: 0, inputs: 0 };
  process.stdout.write(
    `indexed ${CORPUS_MB} MB in ${DOCUMENTS} documents -> ${segments} segments in ${fmt(seconds)} s: ` +
      `${fmt(DOCUMENTS / seconds, 2)} documents/s, ${fmt(segments / seconds, 0)} segments/s; ` +
      `${embed.calls} embedding calls, ${fmt(embed.inputs / Math.max(1, embed.calls))} inputs per call\n`,
  );

  for (const strategy of ['semantic', 'full_text', 'hybrid']) {
    const latencies: number[] = [];
    let empty = 0;
    for (let i = 0; i < QUERIES; i++) {
      const words = Array.from({ length: 3 }, (_, j) => WORDS[(i * 37 + j * 101) % WORDS.length]).join(' ');
      const t = performance.now();
      const res = await client.post(`/datasets/${datasetId}/hit`, { token, body: { query: words, retrieval_strategy: strategy, k: 4 } });
      latencies.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`hit test failed: ${JSON.stringify(res.body)}`);
      if (res.body.data.records.length === 0) empty++;
    }
    const s = summarize(latencies);
    process.stdout.write(
      `hit test ${strategy.padEnd(9)} over ${segments} segments: p50 ${fmt(s.median, 2)} ms, p99 ${fmt(s.p99, 2)} ms (${QUERIES} queries, ${empty} empty)\n`,
    );
  }
  process.stdout.write(`server peak RSS: ${fmt(await peakRssMiB(server.child.pid!))} MiB\n`);
} finally {
  server.child.kill('SIGTERM');
  upstream.child.kill('SIGTERM');
  await server.exited;
  await rm(storageDir, { recursive: true, force: true });
}
