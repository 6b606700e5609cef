// The review workstation: dashboard, flag queue, set-aside pages.  Plain JavaScript, no build step.
"use strict";

const TEXT = {
  zh: {
    title: "复核", dashboard: "概览", queue: "逐题复核", english: "English", chinese: "中文",
    left: "待复核", questions: "待复核题目", identity: "待确认考号", setAside: "搁置答题卡", absentLeft: "缺考待确认",
    progress: "复核进度", decisions: "已有决定", start: "开始复核", graded: "已评分答题卡",
    roster: "名单", present: "到考", absent: "缺考", confirmAbsent: "确认缺考", undo: "撤销", confirmed: "已确认缺考",
    notOnRoster: "考号不在名单", duplicates: "重复考号", notGraded: "未评分的页", noRoster: "本考试没有名单（可用 --roster 提供）",
    allSettled: "全部复核完毕：没有待复核的题目、考号或答题卡。", open: "打开", recent: "最近的复核决定",
    sheet: "答题卡", page: "第 {n} 页", questionNo: "第 {n} 题",
    noScan: "找不到这张答题卡的扫描文件（已移动或改动？），只能依据识别数据判断。", candidate: "考号", variant: "试卷", read: "识别结果", reasons: "原因",
    key: "答案", showKey: "显示答案", hiddenKey: "已隐藏（按 K 显示）", decided: "已决定", blank: "空",
    item: "第 {i} 项，共 {n} 项", remaining: "剩余 {n} 项待定", done: "本批已完成。", backToDashboard: "返回概览",
    digitsRead: "识别考号", typeNumber: "输入正确考号后按 Enter", numberFlags: "考号问题",
    keysHelp: "<kbd>A</kbd>–<kbd>E</kbd> 选择选项 · <kbd>T</kbd>/<kbd>F</kbd> 对/错 · <kbd>Enter</kbd> 确认 · <kbd>Space</kbd> 空（未作答） · <kbd>←</kbd><kbd>→</kbd> 上一项/下一项 · <kbd>U</kbd> 撤销 · <kbd>K</kbd> 显示答案 · <kbd>N</kbd> 备注",
    idHelp: "输入考号 · <kbd>Enter</kbd> 确认 · <kbd>↑</kbd><kbd>↓</kbd> 上一项/下一项 · <kbd>Esc</kbd> 离开输入框",
    saved: "已记录", undone: "已撤销", nothingToUndo: "没有可撤销的决定",
    registerTitle: "搁置答题卡", registerHelp: "依次点击答题卡四角的黑色定位方块：左上、右上、右下、左下（按答题卡印刷方向）。",
    corners: ["左上", "右上", "右下", "左下"], reset: "重新点击", register: "登记并读取",
    registered: "已读取：{status}，考号 {candidate}，待复核 {flagged} 项", toSheet: "复核这张答题卡",
    keyIn: "手工录入全部答案（录入两遍核对）", exam: "考试", firstPass: "第一遍", secondPass: "第二遍",
    nextPass: "开始第二遍录入", submitKeyed: "两遍一致，提交", status: "状态", reason: "原因",
    reasonsMap: {ambiguous: "模糊", erasure: "擦除痕迹", multiple: "多涂", misaligned: "位置偏移"},
    flagsMap: {candidate_mismatch: "考号与二维码不符", candidate_unreadable: "考号无法识别", candidate_missing: "没有考号",
               not_on_roster: "考号不在名单", roster_variant: "试卷与名单不符", duplicate_candidate: "考号重复",
               duplicate_scan: "重复扫描"},
    statusMap: {quarantined: "已搁置", refused: "已拒收", not_a_sheet: "不是答题卡", error: "出错", graded: "已评分"},
    judge: {T: "对", F: "错"}, who: "复核人", exports: "导出文件", changeWho: "更改",
    whoPrompt: "复核人姓名（记入每条决定）", note: "备注", notePrompt: "本题备注（随下一条决定记录）",
  },
  en: {
    title: "Review", dashboard: "Dashboard", queue: "Flag queue", english: "English", chinese: "中文",
    left: "left", questions: "Questions to settle", identity: "Numbers to confirm", setAside: "Set-aside sheets",
    absentLeft: "Absences to confirm", progress: "Progress", decisions: "decisions", start: "Start reviewing",
    graded: "graded sheets", roster: "Roster", present: "present", absent: "absent", confirmAbsent: "Confirm absent",
    undo: "Undo", confirmed: "confirmed absent", notOnRoster: "Numbers not on the roster", duplicates: "Duplicate numbers",
    notGraded: "Pages not graded", noRoster: "This exam has no roster (give one with --roster)",
    allSettled: "Everything is settled: no question, number or sheet left.", open: "open", recent: "Latest decisions",
    sheet: "Sheet", page: "page {n}", questionNo: "Question {n}",
    noScan: "The scan of this sheet cannot be found (moved or changed?); judge from the fills read.", candidate: "Candidate", variant: "Variant", read: "Read", reasons: "Why",
    key: "Key", showKey: "Show key", hiddenKey: "hidden (K shows it)", decided: "Decided", blank: "blank",
    item: "item {i} of {n}", remaining: "{n} left", done: "This batch is done.", backToDashboard: "Back to the dashboard",
    digitsRead: "Digits read", typeNumber: "type the right number, then Enter", numberFlags: "Number problems",
    keysHelp: "<kbd>A</kbd>–<kbd>E</kbd> toggle options · <kbd>T</kbd>/<kbd>F</kbd> true/false · <kbd>Enter</kbd> accept · <kbd>Space</kbd> blank · <kbd>←</kbd><kbd>→</kbd> move · <kbd>U</kbd> undo · <kbd>K</kbd> key · <kbd>N</kbd> note",
    idHelp: "type the number · <kbd>Enter</kbd> accept · <kbd>↑</kbd><kbd>↓</kbd> move · <kbd>Esc</kbd> leave the field",
    saved: "saved", undone: "undone", nothingToUndo: "nothing to undo",
    registerTitle: "Set-aside sheet", registerHelp: "Click the sheet's four black corner squares in order: top-left, top-right, bottom-right, bottom-left (as printed).",
    corners: ["TL", "TR", "BR", "BL"], reset: "Click again", register: "Register and read",
    registered: "Read: {status}, candidate {candidate}, {flagged} items to review", toSheet: "Review this sheet",
    keyIn: "Key in every answer by hand (entered twice)", exam: "Exam", firstPass: "First entry", secondPass: "Second entry",
    nextPass: "Start the second entry", submitKeyed: "Both entries agree: submit", status: "Status", reason: "Reason",
    reasonsMap: {ambiguous: "ambiguous", erasure: "erasure", multiple: "multiple marks", misaligned: "misaligned"},
    flagsMap: {candidate_mismatch: "number differs from QR", candidate_unreadable: "number unreadable",
               candidate_missing: "no number", not_on_roster: "not on the roster", roster_variant: "roster variant differs",
               duplicate_candidate: "duplicate number", duplicate_scan: "scanned twice"},
    statusMap: {quarantined: "set aside", refused: "refused", not_a_sheet: "not a sheet", error: "error", graded: "graded"},
    judge: {T: "T", F: "F"}, who: "Reviewer", exports: "Exports", changeWho: "change",
    whoPrompt: "Reviewer's name (recorded with every decision)", note: "Note",
    notePrompt: "Note on this item (recorded with the next decision)",
  },
};

const params = new URLSearchParams(location.search);
const token = params.get("token") || "";
// The language: ?lang= in the URL, else the reader's toggle in this tab, else the one papergen review was run in.
let lang = params.get("lang") || sessionStorage.getItem("review-lang") || document.documentElement.dataset.lang || "zh";
const state = { who: localStorage.getItem("review-who") || "", note: "", items: [], index: 0, more: false, after: null, undo: [], showKey: false, selection: null,
                counts: null, mode: "queue", corners: [], keyedPass: 1, firstEntry: null };

function t(key, vars) {
  let text = (TEXT[lang] && TEXT[lang][key]) ?? TEXT.zh[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replace(`{${k}}`, v);
  return text;
}
function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}
function url(path) { return path; }
async function api(path, body) {
  const init = { headers: { "X-Review-Token": token } };
  if (body !== undefined) {
    if (state.who) body = { who: state.who, ...body };
    init.method = "POST"; init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  const response = await fetch(url(path), init);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}
function toast(message, error) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = "show" + (error ? " error" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.className = error ? "error" : ""; }, error ? 6000 : 1200);
}
function setCounts(counts) {
  state.counts = counts;
  document.getElementById("left-badge").textContent = counts && counts.total ? `${t("left")} ${counts.total}` : "";
}
function view() { return document.getElementById("view"); }
function pageName(p) { return `${esc(p.file)} ${t("page", { n: p.page_no })}`; }

// -- dashboard ----------------------------------------------------------------------------------

async function showDashboard() {
  state.mode = "dashboard";
  const [s, audit] = await Promise.all([api("/api/summary"), api("/api/audit?limit=15")]);
  setCounts(s.counts);
  const absentLeft = s.exams.reduce((n, e) => n + e.absent.length, 0);
  const open = s.counts.total + absentLeft;
  const share = s.decisions + open ? Math.round(100 * s.decisions / (s.decisions + open)) : 100;
  const count = (label, n, href) => `<div class="count ${n ? "" : "done"}"><span>${label}</span><b>${href && n ? `<a href="${href}">${n}</a>` : n}</b></div>`;
  let html = `<div class="counts">${count(t("questions"), s.counts.questions, "#/queue")}${count(t("identity"), s.counts.identity, "#/queue")}
    ${count(t("setAside"), s.counts.set_aside, s.set_aside.length ? `#/page/${s.set_aside[0].page_id}` : "")}${count(t("absentLeft"), absentLeft, "")}</div>
    <div class="progress" title="${share}%"><div style="width:${share}%"></div></div>
    <p>${t("progress")} ${share}% · ${t("decisions")} ${s.decisions} · ${t("graded")} ${s.graded} ·
    ${t("who")} <b id="who">${esc(state.who || s.who)}</b> <button id="change-who" type="button">${t("changeWho")}</button></p>`;
  if (s.settled && !open) html += `<p class="ok" id="settled">${t("allSettled")}</p>`;
  else if (s.counts.questions + s.counts.identity) html += `<p><button class="primary" id="start">${t("start")} (Enter)</button></p>`;
  for (const e of s.exams) html += rosterCard(e);
  if (s.not_graded.length) {
    html += `<section class="card" id="not-graded"><h2>${t("notGraded")} (${s.not_graded.length})</h2><table>`;
    for (const p of s.not_graded) {
      const link = p.status !== "error" ? ` <a href="#/page/${p.page_id}">${t("open")}</a>` : "";
      html += `<tr><td>${pageName(p)}${link}</td><td>${esc(t("statusMap")[p.status] || p.status)}</td><td class="muted">${esc(p.reason)}</td></tr>`;
    }
    html += "</table></section>";
  }
  if (audit.decisions.length) {
    html += `<section class="card"><h2>${t("recent")}</h2><table>`;
    for (const d of audit.decisions) {
      const where = d.source ? `${esc(d.source.split(/[\\/]/).pop())} ${t("page", { n: d.page_no })}${d.question ? " · " + d.question : ""}` : `${esc(d.exam_id)} ${esc(d.candidate)}`;
      html += `<tr><td class="muted">${esc(d.at.replace("T", " ").slice(0, 19))}</td><td>${esc(d.who)}</td><td>${where}</td><td>${shown(d, d.before)} → ${d.after === null ? `<i>${t("undo")}</i>` : shown(d, d.after)}</td></tr>`;
    }
    html += "</table></section>";
  }
  html += `<p class="muted">${t("exports")}: ${s.exports.error ? `<span class="warn">${esc(s.exports.error)}</span>` : esc(s.results)}</p>`;
  view().innerHTML = html;
  document.getElementById("change-who").onclick = () => {
    const name = prompt(t("whoPrompt"), state.who || s.who);
    if (name === null) return;
    state.who = name.trim();
    localStorage.setItem("review-who", state.who);
    showDashboard();
  };
  const start = document.getElementById("start");
  if (start) start.onclick = () => { location.hash = "#/queue"; };
  view().querySelectorAll("button[data-absent]").forEach(button => {
    button.onclick = async () => {
      try {
        await api("/api/absent", { exam_id: button.dataset.exam, candidate: button.dataset.absent, absent: button.dataset.undo !== "1" });
        toast(t("saved"));
        showDashboard();
      } catch (error) { toast(error.message, true); }
    };
  });
}

function shown(decision, value) {
  if (decision.kind === "answer") return esc(value === "" ? t("blank") : value);
  if (decision.kind === "register" || decision.kind === "manual") return esc(t("statusMap")[value] || (value || "").slice(0, 40));
  return esc(decision.kind === "absent" && value === "absent" ? t("absent") : value ?? "");
}

function rosterCard(e) {
  let html = `<section class="card roster" data-exam="${esc(e.exam_id)}"><h2>${esc(e.exam_id)} · ${t("roster")}</h2>`;
  if (!e.roster) html += `<p class="muted">${t("noRoster")}</p>`;
  else html += `<p>${t("present")} <b>${e.present.length}</b> / ${e.roster} · ${t("absent")} <b>${e.absent.length + e.confirmed_absent.length}</b> (${t("confirmed")} ${e.confirmed_absent.length})</p>`;
  if (e.absent.length || e.confirmed_absent.length) {
    html += `<table class="absent">`;
    for (const p of e.absent) html += `<tr><td>${esc(p.number)}</td><td>${esc(p.name)}</td><td class="warn">${t("absent")}?</td><td><button data-exam="${esc(e.exam_id)}" data-absent="${esc(p.number)}">${t("confirmAbsent")}</button></td></tr>`;
    for (const p of e.confirmed_absent) html += `<tr><td>${esc(p.number)}</td><td>${esc(p.name)}</td><td class="ok">${t("confirmed")}</td><td><button data-exam="${esc(e.exam_id)}" data-absent="${esc(p.number)}" data-undo="1">${t("undo")}</button></td></tr>`;
    html += `</table>`;
  }
  if (e.not_on_roster.length) {
    html += `<h3>${t("notOnRoster")}</h3><ul>` + e.not_on_roster.map(p => `<li><a href="#/sheet/${p.page_id}">${pageName(p)}</a> · ${esc(p.candidate || "—")}</li>`).join("") + "</ul>";
  }
  if (e.duplicates.length) {
    html += `<h3>${t("duplicates")}</h3><ul>` + e.duplicates.map(d => `<li>${esc(d.number)}: ` + d.pages.map(p => `<a href="#/sheet/${p.page_id}">${pageName(p)}</a>`).join("、") + "</li>").join("") + "</ul>";
  }
  return html + "</section>";
}

// -- the queue ----------------------------------------------------------------------------------

function itemsOf(sheet) {
  const items = [];
  if (sheet.identity) items.push({ kind: "candidate", sheet });
  for (const q of sheet.questions) items.push({ kind: "answer", sheet, q });
  return items;
}

async function showQueue() {
  state.mode = "queue";
  Object.assign(state, { items: [], index: 0, more: false, after: null, selection: null });
  await loadMore();
  const open = state.items.findIndex(item => decidedValue(item) === null);
  state.index = open < 0 ? 0 : open;
  renderItem();
}

async function showSheet(pageId) {
  state.mode = "sheet";
  const sheet = await api(`/api/sheet/${pageId}`);
  Object.assign(state, { items: itemsOf(sheet), index: 0, more: false, after: null, selection: null });
  const counts = await api("/api/summary");
  setCounts(counts.counts);
  renderItem();
}

async function loadMore() {
  let path = "/api/queue?limit=30";
  if (state.after) path += `&after_source=${encodeURIComponent(state.after[0])}&after_page=${state.after[1]}`;
  const data = await api(path);
  for (const sheet of data.sheets) state.items.push(...itemsOf(sheet));
  const last = data.sheets[data.sheets.length - 1];
  if (last) state.after = [last.source, last.page_no];
  state.more = data.more;
  setCounts(data.counts);
}

function current() { return state.items[state.index]; }

function renderItem() {
  const item = current();
  if (!item) {
    view().innerHTML = `<div class="item" id="queue-done"><p class="ok">${state.counts && state.counts.total === 0 ? t("allSettled") : t("done")}</p>
      <p><a href="#/">${t("backToDashboard")}</a></p></div>`;
    return;
  }
  const sheet = item.sheet;
  const undecided = state.items.filter(i => decidedValue(i) === null).length;
  let html = `<div class="item" data-kind="${item.kind}" data-page="${sheet.page_id}"${item.q ? ` data-question="${item.q.number}"` : ""}>
    <div class="where">${t("item", { i: state.index + 1, n: state.items.length })} · ${t("remaining", { n: undecided })} —
    ${t("sheet")} ${pageName(sheet)} · ${t("candidate")} ${esc(sheet.candidate || "—")} · ${t("variant")} ${esc(sheet.variant || "")}</div>`;
  html += item.kind === "answer" ? answerHtml(item) : candidateHtml(item);
  if (state.note) html += `<p id="note">${t("note")}: ${esc(state.note)}</p>`;
  view().innerHTML = html + "</div>";
  if (item.kind === "candidate") {
    const input = document.getElementById("number");
    input.focus();
    input.select();
  } else {
    view().focus();
  }
  preload();
}

function noScan(img) {
  const note = document.createElement("p");
  note.className = "warn no-scan";
  note.textContent = t("noScan");
  img.replaceWith(note);
}

function decidedValue(item) {
  return item.kind === "answer" ? item.q.decided : item.sheet.identity.decided;
}

function answerHtml(item) {
  const q = item.q;
  if (state.selection === null) state.selection = new Set((q.decided ?? q.read).split(""));
  let html = `<h2>${t("questionNo", { n: q.number })}</h2><img class="crop question" alt="${q.number}" src="${url(q.image)}" onerror="noScan(this)">`;
  html += `<div class="options">`;
  q.keys.forEach((key, i) => {
    const fill = Math.round(100 * q.fills[i]);
    const stateLetter = q.states[i];
    html += `<div class="option ${state.selection.has(key) ? "selected" : ""}" data-key="${key}">
      <div class="label">${esc(q.labels[i])}</div><div class="muted state-${stateLetter}">${fill}%</div>
      <div class="bar"><div style="width:${fill}%"></div></div></div>`;
  });
  html += `</div><p>${t("read")}: <b>${esc(q.read_text)}</b> · ${t("reasons")}: <span class="chips">${q.reasons.map(r => `<span>${esc(t("reasonsMap")[r] || r)}</span>`).join("")}</span></p>`;
  html += `<p>${t("key")}: <span id="key">${state.showKey ? `<b>${esc(q.answer)}</b>` : `<span class="muted">${t("hiddenKey")}</span>`}</span></p>`;
  if (q.decided !== null) html += `<p class="decided" id="decided">${t("decided")}: ${esc(q.decided_text)}</p>`;
  return html + `<p class="keys">${t("keysHelp")}</p>`;
}

function candidateHtml(item) {
  const id = item.sheet.identity;
  const value = id.decided ?? id.candidate ?? id.digits;
  let html = `<h2>${t("candidate")}</h2><img class="crop grid" alt="grid" src="${url(id.image)}" onerror="noScan(this)">`;
  html += `<p>${t("digitsRead")}: <b>${esc(id.digits || "—")}</b></p>`;
  html += `<p>${t("numberFlags")}: <span class="chips">${id.flags.map(f => `<span title="${esc(f.detail)}">${esc(t("flagsMap")[f.kind] || f.kind)}</span>`).join("")}</span></p>`;
  html += `<ul class="muted">${id.flags.map(f => `<li>${esc(f.detail)}</li>`).join("")}</ul>`;
  html += `<p><input id="number" class="number" type="text" inputmode="numeric" autocomplete="off" value="${esc(value)}" aria-label="${t("candidate")}"> <span class="muted">${t("typeNumber")}</span></p>`;
  if (id.decided !== null) html += `<p class="decided" id="decided">${t("decided")}: ${esc(id.decided)}</p>`;
  return html + `<p class="keys">${t("idHelp")}</p>`;
}

function preload() {
  for (const item of state.items.slice(state.index + 1, state.index + 6)) {
    const img = new Image();
    img.src = url(item.kind === "answer" ? item.q.image : item.sheet.identity.image);
  }
  if (state.more && state.index > state.items.length - 10 && !state.loading) {
    state.loading = true;
    loadMore().then(() => { if (document.getElementById("queue-done")) renderItem(); })
      .catch(error => toast(error.message, true)).finally(() => { state.loading = false; });
  }
}

function move(step) {
  const next = state.index + step;
  if (next < 0 || (next >= state.items.length && !state.more && next > state.items.length)) return;
  state.index = Math.max(0, Math.min(next, state.items.length));
  state.selection = null;
  renderItem();
}

function replaceSheet(sheet) {
  for (const item of state.items) {
    if (item.sheet.page_id !== sheet.page_id) continue;
    item.sheet = sheet;
    if (item.q) item.q = sheet.questions.find(q => q.number === item.q.number) || item.q;
  }
}

async function decide(item, after, advance) {
  const body = { kind: item.kind, sha256: item.sheet.sha256, after, why: after === null ? "" : state.note };
  if (item.kind === "answer") body.question = item.q.number;
  try {
    const data = await api("/api/decide", body);
    replaceSheet(data.sheet);
    setCounts(data.counts);
    if (after !== null) { state.undo.push(item); state.note = ""; }
    toast(after === null ? t("undone") : t("saved"));
    state.selection = null;
    if (advance) state.index = Math.min(state.index + 1, state.items.length);
    renderItem();
  } catch (error) { toast(error.message, true); }
}

function accept(blank) {
  const item = current();
  if (!item) return;
  if (item.kind === "candidate") { decide(item, document.getElementById("number").value.trim(), true); return; }
  const keys = blank ? "" : item.q.keys.filter(k => state.selection.has(k)).join("");
  decide(item, blank || keys === "" ? "空" : keys, true);
}

function undo() {
  const item = state.undo.pop();
  if (!item) { toast(t("nothingToUndo"), true); return; }
  state.index = state.items.indexOf(item);
  decide(item, null, false);
}

function toggle(key) {
  const item = current();
  if (!item || item.kind !== "answer" || !item.q.keys.includes(key)) return;
  if (state.selection.has(key)) state.selection.delete(key);
  else {
    if (item.q.keys.length === 2 && item.q.keys.includes("T")) state.selection.clear();
    state.selection.add(key);
  }
  renderItem();
}

function onQueueKey(event) {
  const inField = event.target.matches && event.target.matches("input, select, textarea");
  const key = event.key;
  if (inField) {
    if (key === "Enter") { event.preventDefault(); accept(false); }
    else if (key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (key === "Escape") { event.target.blur(); view().focus(); }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (key === "Enter") { event.preventDefault(); accept(false); }
  else if (key === " ") { event.preventDefault(); accept(true); }
  else if (key === "ArrowRight" || key === "ArrowDown") { event.preventDefault(); move(1); }
  else if (key === "ArrowLeft" || key === "ArrowUp") { event.preventDefault(); move(-1); }
  else if (key === "u" || key === "U") { event.preventDefault(); undo(); }
  else if (key === "k" || key === "K") { state.showKey = !state.showKey; renderItem(); }
  else if (key === "n" || key === "N") {
    event.preventDefault();
    const note = prompt(t("notePrompt"), state.note);
    if (note !== null) { state.note = note.trim(); renderItem(); }
  }
  else if (/^[a-zA-Z]$/.test(key)) {
    const letter = key.toUpperCase();
    const item = current();
    const judge = item && item.q && item.q.keys.includes("T") && item.q.keys.length === 2;
    toggle(judge ? ({ T: "T", F: "F", D: "T", C: "F" }[letter] || letter) : letter);
  }
}

// -- set-aside pages --------------------------------------------------------------------------

async function showSetAside(pageId) {
  state.mode = "page";
  const page = await api(`/api/page/${pageId}`);
  Object.assign(state, { corners: [], keyedPass: 1, firstEntry: null, page });
  const names = t("corners");
  let html = `<section class="card"><h2>${page.status === "quarantined" ? t("registerTitle") : t("sheet")} · ${pageName(page)}</h2>
    <p class="muted">${esc(t("statusMap")[page.status] || page.status)}: ${esc(page.reason)}</p>`;
  if (page.status !== "quarantined") {
    html += page.status === "graded" ? `<p><a href="#/sheet/${page.page_id}">${t("toSheet")}</a></p>`
      : `<div class="pagebox"><img id="page-image" alt="page" src="${url(`/img/page/${page.page_id}`)}"></div>`;
    view().innerHTML = html + "</section>";
    return;
  }
  html += `<div class="register"><div class="pagebox" id="pagebox"><img id="page-image" alt="page" src="${url(`/img/page/${page.page_id}`)}"></div>
    <div class="controls"><p>${t("registerHelp")}</p><p class="next-corner">→ <span id="corner-next" class="warn">${names[0]}</span></p>
    <p><button id="reset">${t("reset")}</button> <button class="primary" id="register" disabled>${t("register")}</button></p>
    <p id="register-result"></p></div></div></section>`;
  html += `<section class="card"><h2>${t("keyIn")}</h2><p>${t("exam")} <select id="keyed-exam">${page.exams.map(e => `<option>${esc(e.exam_id)}</option>`).join("")}</select>
    ${t("variant")} <select id="keyed-variant"></select> ${t("candidate")} <input id="keyed-candidate" type="text" inputmode="numeric"></p>
    <p><b id="keyed-pass">${t("firstPass")}</b></p><div class="keyed" id="keyed"></div>
    <p><button id="keyed-next">${t("nextPass")}</button> <button class="primary" id="keyed-submit" disabled>${t("submitKeyed")}</button></p>
    <p id="keyed-result"></p></section>`;
  view().innerHTML = html;
  const fillVariants = () => {
    const exam = page.exams.find(e => e.exam_id === document.getElementById("keyed-exam").value);
    document.getElementById("keyed-variant").innerHTML = exam.variants.map(v => `<option>${esc(v)}</option>`).join("");
  };
  document.getElementById("keyed-exam").onchange = fillVariants;
  fillVariants();
  document.getElementById("keyed").innerHTML = page.questions.map(q =>
    `<div><label for="k${q.number}">${q.number} <span>${esc(q.options)}</span></label><input type="text" id="k${q.number}" data-number="${q.number}" autocomplete="off"></div>`).join("");
  document.getElementById("keyed-next").onclick = () => {
    state.firstEntry = keyedValues();
    state.keyedPass = 2;
    document.querySelectorAll("#keyed input").forEach(input => { input.value = ""; });
    document.getElementById("keyed-pass").textContent = t("secondPass");
    document.getElementById("keyed-next").disabled = true;
    document.getElementById("keyed-submit").disabled = false;
    document.getElementById("k1").focus();
  };
  document.getElementById("keyed-submit").onclick = submitKeyed;
  document.getElementById("pagebox").onclick = clickCorner;
  document.getElementById("pagebox").scrollIntoView({ block: "start" });
  document.getElementById("reset").onclick = () => { state.corners = []; drawCorners(); };
  document.getElementById("register").onclick = registerCorners;
}

function keyedValues() {
  const values = {};
  document.querySelectorAll("#keyed input").forEach(input => { values[input.dataset.number] = input.value.trim(); });
  return values;
}

async function submitKeyed() {
  const out = document.getElementById("keyed-result");
  try {
    const result = await api(`/api/manual/${state.page.page_id}`, {
      exam_id: document.getElementById("keyed-exam").value, variant: document.getElementById("keyed-variant").value,
      candidate: document.getElementById("keyed-candidate").value.trim(), first: state.firstEntry, second: keyedValues() });
    out.innerHTML = registeredHtml(result);
  } catch (error) { out.innerHTML = `<span class="warn">${esc(error.message)}</span>`; }
}

function clickCorner(event) {
  if (state.corners.length >= 4) return;
  const img = document.getElementById("page-image");
  const box = img.getBoundingClientRect();
  const previewX = (event.clientX - box.left) * img.naturalWidth / box.width;
  const previewY = (event.clientY - box.top) * img.naturalHeight / box.height;
  state.corners.push([previewX / state.page.scale, previewY / state.page.scale]);
  drawCorners();
}

function drawCorners() {
  const holder = document.getElementById("pagebox");
  const img = document.getElementById("page-image");
  holder.querySelectorAll(".marker").forEach(m => m.remove());
  const names = t("corners");
  state.corners.forEach(([x, y], i) => {
    const marker = document.createElement("div");
    marker.className = "marker";
    marker.textContent = String(i + 1);
    marker.title = names[i];
    marker.style.left = `${100 * x * state.page.scale / img.naturalWidth}%`;
    marker.style.top = `${100 * y * state.page.scale / img.naturalHeight}%`;
    holder.appendChild(marker);
  });
  document.getElementById("corner-next").textContent = state.corners.length < 4 ? names[state.corners.length] : "";
  document.getElementById("register").disabled = state.corners.length !== 4;
}

async function registerCorners() {
  const out = document.getElementById("register-result");
  document.getElementById("register").disabled = true;
  try {
    const result = await api(`/api/register/${state.page.page_id}`, { corners: state.corners });
    out.innerHTML = registeredHtml(result);
  } catch (error) {
    out.innerHTML = `<span class="warn">${esc(error.message)}</span>`;
    document.getElementById("register").disabled = false;
  }
}

function registeredHtml(result) {
  const status = t("statusMap")[result.status] || result.status;
  let html = `<span class="ok">${esc(t("registered", { status, candidate: result.candidate || "—", flagged: result.flagged }))}</span>`;
  if (result.status === "graded") html += ` <a id="to-sheet" href="#/sheet/${result.page_id}">${t("toSheet")}</a>`;
  return html + ` · ${esc(result.reason)}`;
}

// -- routing and language -----------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  document.getElementById("title").textContent = t("title");
  document.getElementById("nav-dashboard").textContent = t("dashboard");
  document.getElementById("nav-queue").textContent = t("queue");
  document.getElementById("lang-toggle").textContent = lang === "en" ? TEXT.zh.chinese : TEXT.zh.english;
}

async function route() {
  const hash = location.hash || "#/";
  document.querySelectorAll("header nav a").forEach(a => a.classList.toggle("active", a.getAttribute("href") === hash));
  try {
    let match;
    if (hash === "#/queue") await showQueue();
    else if ((match = hash.match(/^#\/sheet\/(\d+)$/))) await showSheet(match[1]);
    else if ((match = hash.match(/^#\/page\/(\d+)$/))) await showSetAside(match[1]);
    else await showDashboard();
  } catch (error) {
    view().innerHTML = `<p class="warn">${esc(error.message)}</p>`;
  }
}

document.addEventListener("keydown", event => {
  if (state.mode === "queue" || state.mode === "sheet") onQueueKey(event);
  else if (state.mode === "dashboard" && event.key === "Enter" && document.getElementById("start")) location.hash = "#/queue";
});
document.getElementById("lang-toggle").onclick = () => {
  lang = lang === "en" ? "zh" : "en";
  sessionStorage.setItem("review-lang", lang);
  applyLanguage();
  route();
};
window.addEventListener("hashchange", route);
applyLanguage();
route();
