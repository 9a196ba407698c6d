"""The dashboard's stylesheet and script, served from this machine (no CDN, no build step)."""

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1b1f24;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#c9d1d9;text-decoration:none}header a.here,header a:hover{color:#fff;text-decoration:underline}
header b{margin-right:8px}main{padding:16px}h1{font-size:20px;margin:0 0 12px}h2{font-size:16px}
table{border-collapse:collapse;background:#fff;margin-bottom:16px}td,th{border:1px solid #d0d7de;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#eef1f4}.ok{color:#1a7f37}.error,.timeout{color:#cf222e}
.private{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:0 4px;font-size:12px}
pre{background:#fff;border:1px solid #d0d7de;padding:8px;white-space:pre-wrap;max-width:100ch}
button{cursor:pointer}form.inline{display:inline}input,select,textarea{font:inherit}
.bar{background:#0969da;height:14px;position:absolute;border-radius:2px}.lane{position:relative;height:18px;
background:#fff;border:1px solid #d0d7de;min-width:400px}svg text{font:12px system-ui,sans-serif}
.muted{color:#57606a}
"""

JS = r"""
const base = document.body.dataset.base;
async function post(url, body, method) {
  const response = await fetch(url, {method: method || "POST", body: body,
    headers: body && typeof body === "string" ? {"content-type": "application/json"} : {}});
  const text = await response.text();
  const out = document.getElementById("result");
  if (out) out.textContent = response.status + " " + text;
  return response;
}
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-post]");
  if (!button) return;
  event.preventDefault();
  if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
  const response = await post(button.dataset.post, button.dataset.body || null);
  if (response.ok && button.dataset.reload !== "no") location.reload();
});
const upload = document.getElementById("upload");
if (upload) upload.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = upload.querySelector("input[type=file]").files[0];
  const key = upload.querySelector("input[name=key]").value || (file && file.name);
  if (!file || !key) return;
  const response = await post(upload.action + "?key=" + encodeURIComponent(key), file, "PUT");
  if (response.ok) location.reload();
});
document.querySelectorAll("form.explorer").forEach((form) => form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let path = form.dataset.path;
  form.querySelectorAll("input[data-param]").forEach((input) => {
    path = path.replace(new RegExp("\\{" + input.dataset.param + "\\+?\\}"), encodeURIComponent(input.value));
  });
  const query = form.querySelector("input[name=query]").value;
  const method = form.querySelector("[name=method]").value;
  const body = form.querySelector("textarea");
  const response = await fetch(path + (query ? "?" + query : ""), {method: method,
    body: ["GET", "HEAD"].includes(method) || !body.value ? null : body.value,
    headers: body.value ? {"content-type": "application/json"} : {}});
  form.querySelector("pre").textContent = response.status + " " + response.statusText + "\n\n" + await response.text();
}));
const live = document.getElementById("invocations");
if (live) {
  const source = new EventSource(base + "events?after=" + live.dataset.after);
  source.addEventListener("invocation", (event) => {
    const i = JSON.parse(event.data);
    if (live.dataset.trace && i.trace_id !== live.dataset.trace) return;
    const row = live.insertRow(0);
    const cells = [new Date(i.at * 1000).toLocaleTimeString([], {hour12: false}), i.function, i.trigger, i.outcome,
      (i.duration_ms || 0).toFixed(1), i.cold_start ? "yes" : "", "", (i.error || i.status || i.message_id || i.key || i.schedule || "")];
    cells.forEach((text, n) => { const cell = row.insertCell(); cell.textContent = text; });
    row.cells[3].className = i.outcome;
    const link = document.createElement("a");
    link.href = base + "traces/" + i.trace_id; link.textContent = (i.trace_id || "").slice(0, 8);
    row.cells[6].appendChild(link);
    if (i.traceback) { const pre = document.createElement("pre"); pre.textContent = i.traceback; row.cells[7].appendChild(pre); }
  });
}
"""
