// The sandbox page: draws three chats from the Bot API JSON the sandbox relays, and sends
// what a person does (a message, a photo, a button press, a vote) to the sandbox's endpoints.
// Plain JavaScript, no build step. Text from the server goes in as text; message HTML is
// rebuilt by the server from Telegram's entities, so it holds only Telegram's own tags.
"use strict";

const state = {
  texts: {},
  cast: null,
  bot: null,
  chats: new Map(),      // chat id -> Map(message id -> message)
  keyboards: new Map(),  // chat id -> reply keyboard markup
  commands: { private: [], group: [] },
  clock: null,           // {server: Date, at: performance.now(), timezone}
  here: [31.2286, 121.445],
  panes: {},
};

const KIND_ICONS = { photo: "🖼", location: "📍", venue: "📍", contact: "👤", poll: "📊", document: "📄",
  sticker: "🙂", voice: "🎤", audio: "🎵", video: "🎬", animation: "🎬", video_note: "🎬" };

// words ------------------------------------------------------------------------------------
function T(key, values) {
  let text = state.texts[key] ?? key;
  for (const [name, value] of Object.entries(values || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// time in the centre's time zone --------------------------------------------------------------
function sandboxNow() {
  if (!state.clock) return new Date();
  return new Date(state.clock.server.getTime() + (performance.now() - state.clock.at));
}

function fmt(date, options) {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: state.clock?.timezone || "Asia/Shanghai", ...options }).format(date);
}

const timeOf = (date) => fmt(date, { hour: "2-digit", minute: "2-digit", hour12: false });
const dayOf = (date) => `${fmt(date, { month: "long", day: "numeric" })} ${fmt(date, { weekday: "short" })}`;

function localInputValue(date) {
  // "YYYY-MM-DDTHH:MM" in the centre's time zone, for <input type=datetime-local>
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: state.clock?.timezone || "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const hour = parts.hour === "24" ? "00" : parts.hour;
  return `${parts.year}-${parts.month}-${parts.day}T${hour}:${parts.minute}`;
}

function drawClock() {
  const now = sandboxNow();
  document.getElementById("clock-now").textContent = `${dayOf(now)} ${timeOf(now)}`;
}

// talking to the sandbox -----------------------------------------------------------------------
async function post(path, body) {
  const options = { method: "POST" };
  if (body instanceof FormData) options.body = body;
  else { options.body = JSON.stringify(body); options.headers = { "Content-Type": "application/json" }; }
  try {
    const response = await fetch(path, options);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  } catch (error) {
    return { error: error.message };
  }
}

function connect() {
  const source = new EventSource("/api/events");
  source.onmessage = (e) => handle(JSON.parse(e.data));
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) banner(T("reconnecting"));
  };
  state.source = source;
}

function banner(text) {
  const node = document.getElementById("banner");
  node.textContent = text || "";
  node.hidden = !text;
}

function handle(event) {
  switch (event.type) {
    case "state": return loadState(event);
    case "message": return upsert(event.message);
    case "deleted": {
      state.chats.get(event.chat_id)?.delete(event.message_id);
      return forPanesOf(event.chat_id, (pane) => drawMessages(pane));
    }
    case "keyboard":
      if (event.markup) state.keyboards.set(event.chat_id, event.markup);
      else state.keyboards.delete(event.chat_id);
      return forPanesOf(event.chat_id, drawKeyboard);
    case "answer": return showAnswer(event);
    case "typing": return forPanesOf(event.chat_id, showTyping);
    case "commands": state.commands = event.commands; return;
    case "clock":
      state.clock = { server: new Date(event.clock.now), at: performance.now(), timezone: event.clock.timezone };
      return drawClock();
    case "stopped":
      state.source?.close();
      return banner(T("stopped"));
  }
}

function loadState(s) {
  banner("");
  state.texts = s.texts;
  state.cast = s.cast;
  state.bot = s.bot;
  state.here = s.here || state.here;
  state.commands = s.commands;
  state.clock = { server: new Date(s.clock.now), at: performance.now(), timezone: s.clock.timezone };
  state.chats = new Map(Object.entries(s.chats).map(([id, list]) => [Number(id), new Map(list.map((m) => [m.message_id, m]))]));
  state.keyboards = new Map(Object.entries(s.keyboards).map(([id, markup]) => [Number(id), markup]));
  document.title = T("title");
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = T(node.dataset.text);
  document.getElementById("facts").textContent =
    `${T("framework")} ${s.framework} · ${T("database")} ${s.database}`;
  for (const name of ["resident", "group", "volunteer"]) setUpPane(name);
  drawClock();
}

// panes ---------------------------------------------------------------------------------------
// Each pane shows one chat as one person: who it is can be switched with the picker.
function choices(name) {
  const c = state.cast;
  const person = (p) => ({ id: p.id, label: p.note ? `${p.name}（${p.note}）` : p.name });
  if (name === "resident") return [[T("residents"), c.residents.map(person)], [T("neighbours"), c.neighbours.map(person)]];
  if (name === "volunteer") return [[T("volunteers"), c.volunteers.map(person)]];
  return [[T("staff"), c.staff.map(person)], [T("outsiders"), c.residents.map(person)]];
}

function setUpPane(name) {
  const root = document.getElementById(`pane-${name}`);
  let pane = state.panes[name];
  if (!pane) {
    root.replaceChildren(document.getElementById("pane-template").content.cloneNode(true));
    pane = { name, root, actor: null, replyTo: null, showKeyboard: true };
    state.panes[name] = pane;
    wirePane(pane);
  }
  const select = root.querySelector(".who-select");
  select.replaceChildren();
  for (const [label, people] of choices(name)) {
    const group = el("optgroup");
    group.label = label;
    for (const p of people) {
      const option = el("option", null, p.label);
      option.value = p.id;
      group.append(option);
    }
    select.append(group);
  }
  const first = choices(name)[0][1][0].id;
  pane.actor = pane.actor && [...select.options].some((o) => Number(o.value) === pane.actor) ? pane.actor : first;
  select.value = String(pane.actor);
  root.querySelector(".who-label").textContent = T("acting_as");
  root.querySelector(".start-btn").textContent = T("start");
  root.querySelector(".alert-ok").textContent = T("ok");
  const input = root.querySelector(".composer .text");
  input.dataset.placeholder = T("placeholder");
  root.querySelector(".send-btn").title = T("send");
  root.querySelector(".photo-btn").title = T("photo");
  root.querySelector(".location-btn").title = T("location");
  root.querySelector(".menu-btn").title = T("menu");
  root.querySelector(".kb-btn").title = T("keyboard");
  drawPane(pane);
}

function chatOf(pane) {
  return pane.name === "group" ? state.cast.group.id : pane.actor;
}

function isOutsider(pane) {
  return pane.name === "group" && !state.cast.group.members.includes(pane.actor);
}

function personName(id) {
  const c = state.cast;
  for (const p of [...c.residents, ...c.neighbours, ...c.staff, ...c.volunteers]) if (p.id === id) return p.name;
  return state.bot && id === state.bot.id ? state.bot.name : String(id);
}

function forPanesOf(chatId, fn) {
  for (const pane of Object.values(state.panes)) if (chatOf(pane) === chatId) fn(pane);
}

function wirePane(pane) {
  const root = pane.root;
  root.querySelector(".who-select").addEventListener("change", (e) => {
    pane.actor = Number(e.target.value);
    pane.replyTo = null;
    drawPane(pane);
  });
  root.querySelector(".composer").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = root.querySelector(".composer .text");
    const text = input.value;
    if (!text.trim()) return;
    const answer = await post("/api/text", { user: pane.actor, chat: chatOf(pane), text, reply_to: pane.replyTo });
    if (answer.error) return toast(pane, answer.error, true);
    input.value = "";
    setReply(pane, null);
  });
  root.querySelector(".start-btn").addEventListener("click", () => sendCommand(pane, "/start"));
  root.querySelector(".photo-btn").addEventListener("click", () => root.querySelector(".photo-input").click());
  root.querySelector(".photo-input").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    e.target.value = "";
    if (!file) return;
    const input = root.querySelector(".composer .text");
    const form = new FormData();
    form.append("user", pane.actor);
    form.append("chat", chatOf(pane));
    form.append("caption", input.value);
    if (pane.replyTo) form.append("reply_to", pane.replyTo);
    form.append("photo", file);
    const answer = await post("/api/photo", form);
    if (answer.error) return toast(pane, answer.error, true);
    input.value = "";
    setReply(pane, null);
  });
  root.querySelector(".location-btn").addEventListener("click", async () => {
    const [latitude, longitude] = state.here;
    const answer = await post("/api/location", { user: pane.actor, chat: chatOf(pane), latitude, longitude, reply_to: pane.replyTo });
    if (answer.error) return toast(pane, answer.error, true);
    setReply(pane, null);
  });
  root.querySelector(".menu-btn").addEventListener("click", () => {
    const menu = root.querySelector(".command-menu");
    if (menu.hidden) drawCommands(pane);
    menu.hidden = !menu.hidden;
  });
  root.querySelector(".kb-btn").addEventListener("click", () => {
    pane.showKeyboard = !pane.showKeyboard;
    drawKeyboard(pane);
  });
  root.querySelector(".cancel-reply").addEventListener("click", () => setReply(pane, null));
  root.querySelector(".alert-ok").addEventListener("click", () => { root.querySelector(".alert").hidden = true; });
}

function drawPane(pane) {
  const root = pane.root;
  const chatId = chatOf(pane);
  const outsider = isOutsider(pane);
  const name = personName(pane.actor);
  root.querySelector(".avatar").textContent = pane.name === "group" ? "群" : state.bot.name.slice(0, 1);
  root.querySelector(".chat-name").textContent = pane.name === "group" ? state.cast.group.title : state.bot.name;
  root.querySelector(".chat-sub").textContent = pane.name === "group"
    ? T("members", { n: state.cast.group.members.length + 1 })
    : `${T("private_with", { bot: "@" + state.bot.username })} · ${name}`;
  const note = root.querySelector(".note");
  note.hidden = !outsider && pane.name !== "group";
  note.textContent = outsider ? T("outsider", { name }) : T("tip_group");
  root.querySelector(".composer").classList.toggle("off", outsider);
  root.querySelector(".command-menu").hidden = true;
  setReply(pane, null);
  drawMessages(pane);
  drawKeyboard(pane);
  root.querySelector(".start-bar").hidden = pane.name === "group" || (state.chats.get(chatId)?.size || 0) > 0;
  requestAnimationFrame(() => scrollToEnd(pane, true));  // once the keyboard under it has its height
}

function drawMessages(pane) {
  const list = pane.root.querySelector(".messages");
  const messages = [...(state.chats.get(chatOf(pane))?.values() || [])].sort((a, b) => a.message_id - b.message_id);
  list.replaceChildren();
  if (!messages.length) list.append(el("li", "empty", T("empty")));
  let day = null;
  for (const message of messages) {
    const thisDay = dayOf(new Date(message.date * 1000));
    if (thisDay !== day) list.append(el("li", "day", thisDay));
    day = thisDay;
    list.append(drawMessage(pane, message));
  }
  scrollToEnd(pane, true);
}

function upsert(message) {
  if (!state.chats.has(message.chat_id)) state.chats.set(message.chat_id, new Map());
  const chat = state.chats.get(message.chat_id);
  const known = chat.has(message.message_id);
  chat.set(message.message_id, message);
  forPanesOf(message.chat_id, (pane) => {
    const list = pane.root.querySelector(".messages");
    const old = list.querySelector(`li.msg[data-id="${message.message_id}"]`);
    if (known && old) {
      const fresh = drawMessage(pane, message);
      fresh.classList.add("flash");  // edited in place: let the eye catch it
      old.replaceWith(fresh);
      return;
    }
    const nearEnd = isNearEnd(pane);
    const last = [...list.querySelectorAll("li.msg")].pop();
    if (last && Number(last.dataset.id) > message.message_id) return drawMessages(pane);
    list.querySelector(".empty")?.remove();
    const day = dayOf(new Date(message.date * 1000));
    const days = list.querySelectorAll("li.day");
    if (!days.length || days[days.length - 1].textContent !== day) list.append(el("li", "day", day));
    list.append(drawMessage(pane, message));
    if (message.from?.is_bot) pane.root.querySelector(".typing").hidden = true;
    pane.root.querySelector(".start-bar").hidden = true;
    scrollToEnd(pane, nearEnd || message.from?.id === pane.actor);
  });
}

function isNearEnd(pane) {
  const s = pane.root.querySelector(".scroller");
  return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

function scrollToEnd(pane, really) {
  if (!really) return;
  const s = pane.root.querySelector(".scroller");
  s.scrollTop = s.scrollHeight;
}

// one message, from its Bot API JSON ------------------------------------------------------------
function drawMessage(pane, m) {
  const fromId = m.from?.id;
  const li = el("li", "msg");
  li.dataset.id = m.message_id;
  li.dataset.kind = m.kind;
  if (m.new_chat_members || m.left_chat_member) {
    li.classList.add("service");
    const who = (m.new_chat_members || [m.left_chat_member]).map((u) => u.first_name).join("、");
    li.append(el("div", "bubble", T(m.new_chat_members ? "joined" : "left", { name: who })));
    return li;
  }
  li.classList.add(fromId === pane.actor ? "out" : "in");
  if (m.from?.is_bot) li.classList.add("bot");
  const bubble = el("div", "bubble");
  if (pane.name === "group" && fromId !== pane.actor) {
    const sender = el("div", "sender", m.from?.first_name || "");
    sender.style.color = colourOf(fromId);
    bubble.append(sender);
  }
  if (m.reply_to) bubble.append(drawQuote(pane, m.reply_to));
  bubble.append(...drawBody(pane, m));
  const meta = el("div", "meta");
  if (m.edit_date) meta.append(el("span", "edited", T("edited")));
  meta.append(el("time", null, timeOf(new Date(m.date * 1000))));
  if (!isOutsider(pane)) {
    const reply = el("button", "reply-btn", T("reply"));
    reply.type = "button";
    reply.addEventListener("click", () => setReply(pane, m.message_id));
    meta.append(reply);
  }
  bubble.append(meta);
  li.append(bubble);
  const rows = m.reply_markup?.inline_keyboard;
  if (rows?.length) li.append(drawInlineKeyboard(pane, m, rows));
  return li;
}

function colourOf(id) {
  const colours = ["#2a83c6", "#c0392b", "#8e44ad", "#16a085", "#d35400", "#2c3e50"];
  return colours[Math.abs(Number(id || 0)) % colours.length];
}

function summary(kind, text) {
  if (text) return text.replace(/\s+/g, " ").slice(0, 40);
  const label = { photo: "photo_label", location: "location_label", venue: "location_label", contact: "contact_label",
    voice: "voice_label", document: "document_label", sticker: "sticker_label", video: "video_label",
    poll: "poll_label" }[kind] || "other_label";
  return `${KIND_ICONS[kind] || ""} ${T(label)}`.trim();
}

function drawQuote(pane, reply) {
  const quote = el("span", "quote");
  quote.append(el("b", null, reply.from), " ", summary(reply.kind, reply.text));
  quote.addEventListener("click", () => {
    const target = pane.root.querySelector(`li.msg[data-id="${reply.message_id}"]`);
    if (target) { target.scrollIntoView({ block: "center" }); target.classList.remove("flash"); void target.offsetWidth; target.classList.add("flash"); }
  });
  return quote;
}

function richText(html) {
  const body = el("div", "body");
  body.innerHTML = html;  // safe: rebuilt by the server from entities (escaped text, Telegram's tags only)
  for (const a of body.querySelectorAll("a")) {
    if (!/^https?:\/\//i.test(a.getAttribute("href") || "")) a.removeAttribute("href");
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  for (const s of body.querySelectorAll("tg-spoiler")) s.addEventListener("click", () => s.classList.add("shown"));
  return body;
}

function drawBody(pane, m) {
  const parts = [];
  switch (m.kind) {
    case "photo": {
      const img = el("img", "photo");
      img.src = `/file/${encodeURIComponent(m.photo[m.photo.length - 1].file_id)}`;
      img.alt = T("photo_label");
      img.loading = "lazy";
      img.addEventListener("load", () => scrollToEnd(pane, isNearEnd(pane)));
      parts.push(img);
      break;
    }
    case "location":
    case "venue": {
      const where = m.venue ? m.venue.location : m.location;
      const box = el("div", "place");
      box.append(el("span", "pin", "📍"));
      const label = el("div");
      label.append(el("strong", null, m.venue ? m.venue.title : T("location_label")));
      label.append(el("small", null, m.venue?.address || `${where.latitude.toFixed(4)}, ${where.longitude.toFixed(4)}`));
      box.append(label);
      parts.push(box);
      break;
    }
    case "contact": {
      const box = el("div", "place");
      box.append(el("span", "pin", "👤"));
      const label = el("div");
      label.append(el("strong", null, [m.contact.first_name, m.contact.last_name].filter(Boolean).join(" ")));
      label.append(el("small", null, m.contact.phone_number));
      box.append(label);
      parts.push(box);
      break;
    }
    case "poll": parts.push(drawPoll(pane, m)); break;
    case "sticker": parts.push(el("div", "sticker", m.sticker.emoji || "🙂")); break;
    case "document": parts.push(el("div", "body", `📄 ${m.document.file_name || T("document_label")}`)); break;
    case "voice":
    case "audio":
    case "video":
    case "animation":
    case "video_note": {
      const media = m[m.kind];
      const seconds = media.duration ? ` ${Math.floor(media.duration / 60)}:${String(media.duration % 60).padStart(2, "0")}` : "";
      parts.push(el("div", "body", `${summary(m.kind)}${seconds}`));
      break;
    }
    case "text": break;
    default: parts.push(el("div", "body", summary(m.kind)));
  }
  if (m.html) parts.push(richText(m.html));
  return parts;
}

function drawPoll(pane, m) {
  const poll = m.poll;
  const box = el("div", "poll");
  box.append(el("div", "poll-question", poll.question));
  box.append(el("div", "poll-kind", poll.is_anonymous ? T("poll_anonymous") : T("poll_public")));
  const mine = (m.votes || {})[String(pane.actor)] || [];
  const canVote = !poll.is_closed && !mine.length && !isOutsider(pane);
  const total = poll.total_voter_count || 0;
  poll.options.forEach((option, index) => {
    if (canVote) {
      const button = el("button", "poll-option", option.text);
      button.type = "button";
      button.addEventListener("click", async () => {
        const answer = await post("/api/poll", { user: pane.actor, chat: m.chat_id, message: m.message_id, options: [index] });
        if (answer.error) toast(pane, answer.error, true);
      });
      box.append(button);
    } else {
      const share = total ? Math.round((100 * option.voter_count) / total) : 0;
      const line = el("div", "poll-result" + (mine.includes(index) ? " mine" : ""));
      const top = el("div", "line");
      top.append(el("span", null, option.text), el("span", null, `${share}%`));
      const bar = el("div", "bar");
      bar.style.width = `${share}%`;
      line.append(top, bar);
      box.append(line);
    }
  });
  box.append(el("div", "poll-footer", poll.is_closed ? T("poll_closed") : T("votes", { n: total })));
  return box;
}

function drawInlineKeyboard(pane, m, rows) {
  const box = el("div", "inline-kb");
  for (const row of rows) {
    const line = el("div", "row");
    for (const b of row) {
      if (b.url) {
        const link = el("a", "cb", b.text);
        link.href = /^https?:\/\//i.test(b.url) ? b.url : "#";
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.append(link);
        continue;
      }
      const button = el("button", "cb", b.text);
      button.type = "button";
      button.addEventListener("click", async () => {
        button.classList.add("pending");  // Telegram shows a clock until the bot answers
        setTimeout(() => button.classList.remove("pending"), 10000);
        const answer = await post("/api/press", { user: pane.actor, chat: m.chat_id, message: m.message_id, data: b.callback_data || "" });
        if (answer.error) { button.classList.remove("pending"); toast(pane, answer.error, true); }
      });
      line.append(button);
    }
    box.append(line);
  }
  return box;
}

// the composer's surroundings --------------------------------------------------------------------
function setReply(pane, messageId) {
  pane.replyTo = messageId;
  const bar = pane.root.querySelector(".replying");
  bar.hidden = !messageId;
  if (!messageId) return;
  const m = state.chats.get(chatOf(pane))?.get(messageId);
  const text = pane.root.querySelector(".replying-text");
  text.replaceChildren(el("b", null, `${T("replying")} ${m?.from?.first_name || ""}: `), summary(m?.kind, m?.text || m?.caption));
  pane.root.querySelector(".composer .text").focus();
}

function drawKeyboard(pane) {
  const root = pane.root;
  const nearEnd = isNearEnd(pane);
  const markup = state.keyboards.get(chatOf(pane));
  const box = root.querySelector(".reply-keyboard");
  const input = root.querySelector(".composer .text");
  root.querySelector(".kb-btn").hidden = !markup;
  input.placeholder = markup?.input_field_placeholder || input.dataset.placeholder || "";
  box.replaceChildren();
  box.hidden = !markup || !pane.showKeyboard || isOutsider(pane);
  if (!markup) return;
  for (const row of markup.keyboard) {
    const line = el("div", "row");
    for (const raw of row) {
      const b = typeof raw === "string" ? { text: raw } : raw;
      const prefix = b.request_contact ? "📱 " : b.request_location ? "📍 " : "";
      const key = el("button", "key", prefix + b.text);
      key.type = "button";
      if (b.request_contact) key.title = T("share_contact");
      if (b.request_location) key.title = T("share_location");
      key.addEventListener("click", async () => {
        const answer = await post("/api/keyboard", { user: pane.actor, chat: chatOf(pane), text: b.text });
        if (answer.error) toast(pane, answer.error, true);
      });
      line.append(key);
    }
    box.append(line);
  }
  scrollToEnd(pane, nearEnd);  // the keyboard takes room from the chat: keep the end in view
}

function drawCommands(pane) {
  const menu = pane.root.querySelector(".command-menu");
  menu.replaceChildren();
  const list = pane.name === "group" ? state.commands.group : state.commands.private;
  for (const c of list) {
    const item = el("li");
    const button = el("button");
    button.type = "button";
    button.append(el("b", null, `/${c.command}`), el("span", null, c.description));
    button.addEventListener("click", () => { menu.hidden = true; sendCommand(pane, `/${c.command}`); });
    item.append(button);
    menu.append(item);
  }
}

async function sendCommand(pane, command) {
  const answer = await post("/api/text", { user: pane.actor, chat: chatOf(pane), text: command });
  if (answer.error) toast(pane, answer.error, true);
}

function showTyping(pane) {
  const typing = pane.root.querySelector(".typing");
  typing.textContent = `${state.bot.name} ${T("typing")}`;
  typing.hidden = false;
  clearTimeout(pane.typingTimer);
  pane.typingTimer = setTimeout(() => { typing.hidden = true; }, 4000);
}

function showAnswer(event) {
  const panes = Object.values(state.panes);
  const pane = panes.find((p) => chatOf(p) === event.chat_id && p.actor === event.user_id)
    || panes.find((p) => chatOf(p) === event.chat_id) || panes.find((p) => p.actor === event.user_id);
  if (!pane) return;
  for (const b of pane.root.querySelectorAll(".cb.pending")) b.classList.remove("pending");
  if (!event.text) return;
  if (event.alert) {
    pane.root.querySelector(".alert-text").textContent = event.text;
    pane.root.querySelector(".alert").hidden = false;
  } else {
    toast(pane, event.text);
  }
}

function toast(pane, text, error) {
  const node = pane.root.querySelector(".toast");
  node.textContent = text;
  node.classList.toggle("error", Boolean(error));
  node.hidden = false;
  clearTimeout(pane.toastTimer);
  pane.toastTimer = setTimeout(() => { node.hidden = true; }, error ? 5000 : 3000);
}

// the clock and the tabs ---------------------------------------------------------------------------
function wirePage() {
  // A jump plays out every timer on the way; the controls wait until it has.
  const clockControls = () => document.querySelectorAll("#clock button, #clock input");
  async function moveClock(body) {
    for (const c of clockControls()) c.disabled = true;
    const answer = await post("/api/clock", body);
    for (const c of clockControls()) c.disabled = false;
    if (answer.error) alert(answer.error);
  }
  for (const button of document.querySelectorAll(".clock-btn")) {
    button.addEventListener("click", () => moveClock({ hours: Number(button.dataset.hours) }));
  }
  const to = document.getElementById("clock-to");
  to.addEventListener("focus", () => {
    if (!to.value) to.value = localInputValue(new Date(sandboxNow().getTime() + 24 * 3600 * 1000));
  });
  document.getElementById("clock-jump").addEventListener("submit", (e) => {
    e.preventDefault();
    moveClock({ to: to.value });
  });
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".tabs button")) t.classList.toggle("active", t === tab);
      for (const p of document.querySelectorAll(".pane")) p.classList.toggle("active", p.dataset.pane === tab.dataset.pane);
      const pane = state.panes[tab.dataset.pane];
      if (pane) scrollToEnd(pane, true);
    });
  }
  document.querySelector(".tabs button").classList.add("active");
  setInterval(drawClock, 1000);
  connect();
}

document.addEventListener("DOMContentLoaded", wirePage);
