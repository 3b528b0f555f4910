// Rapport: only what makes the pages quicker. Everything works without it.
(function () {
  "use strict";

  // Search as you type on /people: the API answers, the table is redrawn.
  const form = document.querySelector("[data-live-search]");
  if (form) {
    const rows = document.querySelector("[data-rows]");
    let timer, seq = 0;
    const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
    const layerClass = (l) => (["inner", "close", "active"].includes(l) ? "layer-" + l : "layer-known");
    const date = (d) => (d ? new Date(d).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" }) : "never");
    const update = async () => {
      const params = new URLSearchParams(new FormData(form));
      const mine = ++seq;
      const res = await fetch("/api/v1/people?count=true&" + params.toString(), { headers: { Accept: "application/json" } });
      if (mine !== seq || !res.ok) return;
      const people = await res.json();
      const matched = Number(res.headers.get("X-Total-Count") || people.length);
      history.replaceState(null, "", "/people?" + params.toString());
      const showing = document.querySelector("[data-showing]");
      if (showing) showing.textContent = people.length ? `Showing 1–${people.length} of ${matched}` : "";
      const pager = document.querySelector("[data-pager]");
      if (pager) {
        params.set("offset", String(people.length));
        pager.innerHTML = matched > people.length ? `<a href="/people?${esc(params.toString())}">Next 100 →</a>` : "";
      }
      rows.innerHTML = people.length ? people.map((p) =>
        `<tr><td><a href="/people/${encodeURIComponent(p.id)}">${esc(p.name)}</a>${p.title ? `<span class="sub">${esc(p.title)}</span>` : ""}</td>` +
        `<td class="num"><meter class="gauge" min="0" max="100" low="25" high="60" optimum="100" value="${Math.round(p.strength)}" aria-hidden="true"></meter> ${p.strength.toFixed(1)}</td>` +
        `<td><span class="tag ${layerClass(p.layer)}">${esc(p.layer)}</span></td><td class="wide">${esc(p.org)}</td><td class="wide">${esc(date(p.last_contact))}</td></tr>`
      ).join("") : `<tr><td colspan="5" class="empty">Nobody matches.</td></tr>`;
    };
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 120); });
    form.addEventListener("change", () => { clearTimeout(timer); update(); });
  }

  // Keyboard: "/" searches people, "l" goes to the log form, "g t" goes to Today.
  let g = false;
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) return;
    if (e.key === "/") {
      e.preventDefault();
      const s = document.querySelector("[data-search]");
      if (s) s.focus(); else location.href = "/people#search";
    } else if (e.key === "l") {
      const k = document.getElementById("log-kind");
      if (k) { e.preventDefault(); k.focus(); }
    } else if (g && e.key === "t") {
      location.href = "/";
    }
    g = e.key === "g";
  });
  if (location.hash === "#search") { const s = document.querySelector("[data-search]"); if (s) s.focus(); }

  // Back buttons on error pages.
  document.querySelectorAll("[data-back]").forEach((b) => b.addEventListener("click", () => history.back()));

  // Upload progress on /import.
  const imp = document.getElementById("import-form");
  if (imp && window.XMLHttpRequest) {
    imp.addEventListener("submit", (e) => {
      e.preventDefault();
      const bar = document.getElementById("upload-progress");
      bar.hidden = false;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", imp.action);
      xhr.upload.addEventListener("progress", (ev) => { if (ev.lengthComputable) bar.value = (100 * ev.loaded) / ev.total; });
      xhr.addEventListener("load", () => { document.open(); document.write(xhr.responseText); document.close(); });
      xhr.addEventListener("error", () => imp.submit());
      xhr.send(new FormData(imp));
    });
  }

  // The ladder's history is built in the background: look again shortly.
  if (document.querySelector("[data-reload-soon]")) setTimeout(() => location.reload(), 3000);

  // Passkeys (a team's server): adding one from /settings, signing in with
  // one on the sign-in page. The server's options and the browser's answer
  // travel as JSON, binary fields in base64url.
  const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0)).buffer;
  const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const answer = (c) => {
    const r = c.response, out = { id: c.id, rawId: b64(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment,
      clientExtensionResults: c.getClientExtensionResults(), response: { clientDataJSON: b64(r.clientDataJSON) } };
    if (r.attestationObject) {
      out.response.attestationObject = b64(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = b64(r.authenticatorData);
      out.response.signature = b64(r.signature);
      if (r.userHandle) out.response.userHandle = b64(r.userHandle);
    }
    return JSON.stringify(out);
  };
  const post = async (url, body) => {
    const res = await fetch(url, { method: "POST", body: body || "", headers: { "Content-Type": "application/json", Accept: "application/json" } });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((data.error && data.error.message) || res.statusText);
    return data;
  };
  const passkey = (button, run) => {
    const status = document.querySelector(button.dataset.status);
    button.hidden = !window.PublicKeyCredential;
    button.addEventListener("click", async () => {
      status.textContent = "";
      button.disabled = true;
      try {
        await run();
      } catch (e) {
        status.textContent = e.name === "NotAllowedError" ? "No passkey was used." : "Passkey: " + e.message;
      } finally {
        button.disabled = false;
      }
    });
  };
  const add = document.querySelector("[data-passkey-add]");
  if (add) passkey(add, async () => {
    const opts = (await post("/settings/passkeys/options")).publicKey;
    opts.challenge = unb64(opts.challenge);
    opts.user.id = unb64(opts.user.id);
    (opts.excludeCredentials || []).forEach((c) => (c.id = unb64(c.id)));
    const cred = await navigator.credentials.create({ publicKey: opts });
    const name = document.querySelector(add.dataset.name).value;
    await post("/settings/passkeys?name=" + encodeURIComponent(name), answer(cred));
    location.assign("/settings#team-h");
    location.reload();
  });
  const signin = document.querySelector("[data-passkey-signin]");
  if (signin) passkey(signin, async () => {
    const opts = (await post("/login/passkey/options")).publicKey;
    opts.challenge = unb64(opts.challenge);
    (opts.allowCredentials || []).forEach((c) => (c.id = unb64(c.id)));
    const cred = await navigator.credentials.get({ publicKey: opts });
    const done = await post("/login/passkey?next=" + encodeURIComponent(signin.dataset.next || "/"), answer(cred));
    location.assign(done.next);
  });
})();
