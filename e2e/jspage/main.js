// The bench's baseline: the least a page can do to show a pasted token
// judged, with the library next-auth v4 itself uses. A JWS is decoded
// (header and claims, expiry judged); a JWE (a NextAuth v4 session token)
// is decrypted with NEXTAUTH_SECRET the way next-auth v4 does: HKDF-SHA256
// with the info "NextAuth.js Generated Encryption Key" and an empty salt,
// then dir/A256GCM. Source of the page ./build.sh bench bundles into a
// temporary folder with esbuild; never shipped.
import { decodeJwt, decodeProtectedHeader, jwtDecrypt } from "jose";

const input = document.getElementById("input");
const secret = document.getElementById("secret");
const out = document.getElementById("out");

async function nextAuthKey(value) {
  const ikm = await crypto.subtle.importKey("raw", new TextEncoder().encode(value), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("NextAuth.js Generated Encryption Key") },
    ikm,
    256
  );
  return new Uint8Array(bits);
}

function show(code, title, value) {
  const card = document.createElement("section");
  card.dataset.tokenIndex = "0";
  const finding = document.createElement("p");
  finding.dataset.code = code;
  finding.textContent = title;
  const pre = document.createElement("pre");
  pre.textContent = JSON.stringify(value, null, 2);
  card.append(finding, pre);
  out.replaceChildren(card);
}

let run = 0;
async function judge() {
  const mine = ++run;
  const text = input.value.trim();
  if (!text) {
    out.replaceChildren();
    return;
  }
  try {
    if (text.split(".").length === 5) {
      const { payload, protectedHeader } = await jwtDecrypt(text, await nextAuthKey(secret.value), { clockTolerance: 15 });
      if (mine === run) show("nextauth.decrypted", "NextAuth v4 session decrypted", { header: protectedHeader, payload });
      return;
    }
    const header = decodeProtectedHeader(text);
    const claims = decodeJwt(text);
    const expired = typeof claims.exp === "number" && claims.exp * 1000 < Date.now();
    show(expired ? "jwt.expired" : "jwt.decoded", expired ? "JWT expired" : "JWT decoded", { header, claims });
  } catch (err) {
    if (mine === run) show("jwt.malformed", String(err), {});
  }
}

input.addEventListener("input", judge);
secret.addEventListener("input", judge);
judge(); // a value set before this script ran (the bench pastes on sight)
