// bench.mjs — the Node side of the decryption comparison in ./build.sh bench.
//
// For each chunked session vector it does what the Go benchmark
// BenchmarkDecryptOnly does: derive the key with HKDF-SHA256 (@panva/hkdf,
// the library next-auth and @auth/core use) and decrypt with jose's
// jwtDecrypt (clockTolerance 15 s, at the vectors' generation time). It
// prints one JSON line per vector: {"name", "ns_per_op", "ops"}.
//
// Run: cd app/token/testdata/nextauth && npm ci && node bench.mjs
import { readFileSync } from "node:fs";
import hkdf from "@panva/hkdf";
import { jwtDecrypt } from "jose";

const vectors = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url)));
const currentDate = new Date(vectors.generated_at * 1000);

function spec(v) {
  if (v.format === "nextauth-v4") return { salt: "", info: "NextAuth.js Generated Encryption Key", len: 32 };
  return { salt: v.cookie_name, info: `Auth.js Generated Encryption Key (${v.cookie_name})`, len: 64 };
}

async function once(v, secret) {
  const s = spec(v);
  const key = await hkdf("sha256", secret, s.salt, s.info, s.len);
  const { payload } = await jwtDecrypt(v.token, key, { clockTolerance: 15, currentDate });
  return payload;
}

for (const name of ["v4_chunked", "authjs_chunked"]) {
  const v = vectors.vectors.find((x) => x.name === name);
  const secret = vectors.secrets[v.secret_name];
  if (!(await once(v, secret)).backendAccess) throw new Error(`${name}: no backendAccess`);
  for (let i = 0; i < 2000; i++) await once(v, secret); // warm up the JIT
  const ops = 20000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await once(v, secret);
  const ns = Number(process.hrtime.bigint() - t0) / ops;
  console.log(JSON.stringify({ name, ns_per_op: Math.round(ns), ops }));
}
