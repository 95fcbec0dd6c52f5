// The pharmacy console: a client of the pharmacy's JSON API (see examples-pharmacy/README.md) and of its live events
// (GET /events/stream, server-sent events). Plain JavaScript, no framework, no build step.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** The open prescription: its id, its events, its current state, and the time-travel position (null = now). */
const view = { id: null, events: [], now: null, travelIndex: null, drug: null };

// --- the API ---------------------------------------------------------------------------------------------------
/** Calls the API; resolves with the JSON body, or rejects with {status, code, message} – never a stack trace. */
async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw { status: 0, code: "network", message: "the pharmacy server cannot be reached; try again" };
  }
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw {
      status: response.status,
      code: (json && json.error) || "http-" + response.status,
      message: (json && json.message) || response.statusText || "the request failed",
    };
  }
  return json;
}

/** A form field as the API expects it: whole numbers as numbers, anything else as typed (the API says what's wrong). */
function value(form, name) {
  const raw = form.elements[name].value.trim();
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

function showRefusal(element, failure) {
  element.replaceChildren();
  const code = document.createElement("code");
  code.className = "refusal-code";
  code.textContent = failure.code;
  const message = document.createElement("span");
  message.className = "refusal-message";
  message.textContent = failure.message;
  element.append(code, message);
  element.hidden = false;
}

function clearRefusal(element) {
  element.hidden = true;
  element.replaceChildren();
}

/** Runs a form's request, showing a refusal inline in the form's (or the given) refusal element. */
async function submit(form, refusalElement, request) {
  const buttons = $$("button", form);
  buttons.forEach((b) => (b.disabled = true));
  clearRefusal(refusalElement);
  try {
    return await request();
  } catch (failure) {
    showRefusal(refusalElement, failure);
    return undefined;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    updateActions();
  }
}

function element(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.entries(props).forEach(([k, v]) => {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  });
  e.append(...children);
  return e;
}

function formatTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

// --- patients (the read model) ---------------------------------------------------------------------------------
const MAX_PATIENTS_SHOWN = 30;
let patientsShown = "";
let patientsTimer = null;

async function refreshPatients() {
  const target = $("#patients");
  try {
    const patients = await api("GET", "/patients");
    const shown = patients.slice(0, MAX_PATIENTS_SHOWN);
    const lists = await Promise.all(
      shown.map((p) => api("GET", "/patients/" + encodeURIComponent(p.patientId) + "/prescriptions")));
    // the registered patient's name, "erased" after erasure, nothing for a patient id that was never registered
    const people = await Promise.all(
      shown.map((p) => api("GET", "/patients/" + encodeURIComponent(p.patientId)).catch(() => null)));
    const snapshot = JSON.stringify([patients.length, lists, people]);
    $("#patients-updated").textContent = "Updated " + new Date().toLocaleTimeString() + ".";
    if (snapshot === patientsShown) {
      return; // unchanged: keep the DOM (and the keyboard focus) as it is
    }
    patientsShown = snapshot;
    if (patients.length === 0) {
      target.replaceChildren(element("p", { class: "hint" }, "No patients yet: order a prescription."));
      return;
    }
    const list = element("ul", { class: "patients" });
    shown.forEach((patient, i) => {
      const items = element("ul");
      lists[i].forEach((rx) => {
        const link = element("a", { href: "#/prescriptions/" + encodeURIComponent(rx.prescriptionId) },
          rx.prescriptionId);
        items.append(element("li", { "data-prescription": rx.prescriptionId }, link, " ",
          element("span", { class: "status" }, rx.status + " · " + rx.drug + " · " + rx.remaining + " left")));
      });
      const person = people[i];
      const who = person === null ? "" : person.erased ? " · erased" : " · " + person.name + " (" + person.birthDate + ")";
      list.append(element("li", { "data-patient": patient.patientId }, element("strong", {}, patient.patientId),
        element("span", { class: "person" }, who), items));
    });
    target.replaceChildren(list);
    if (patients.length > shown.length) {
      target.append(element("p", { class: "hint" }, "…and " + (patients.length - shown.length) + " more patients."));
    }
  } catch (failure) {
    $("#patients-updated").textContent = "Not updated: " + failure.code + " – " + failure.message;
  }
}

/** Refreshes the read model's list soon (it catches up with new events a moment after they are stored). */
function refreshPatientsSoon() {
  clearTimeout(patientsTimer);
  patientsTimer = setTimeout(refreshPatients, 300);
}

// --- the prescription page ---------------------------------------------------------------------------------------
const ALLOWED = {
  ordered: ["verify", "cancel"],
  verified: ["dispense", "cancel"],
  dispensing: ["dispense", "cancel"],
  filled: ["refill", "cancel"],
  completed: [],
  cancelled: [],
  expired: [],
};

async function openPrescription(id) {
  if (view.id !== id) {
    view.id = id;
    view.events = [];
    view.now = null;
    view.travelIndex = null;
    view.drug = null;
    $("#timeline").replaceChildren();
    $$("#actions form[data-action]").forEach((form) => (form.hidden = true));
    $("#no-actions").hidden = true;
    $("#as-of").hidden = true;
    $("#stock").hidden = true;
    clearRefusal($("#refusal"));
  }
  $("#rx-id").textContent = id;
  $("#empty").hidden = true;
  $("#prescription").hidden = false;
  await refreshPrescription();
}

/** Reads the prescription's events and current state again; keeps the time-travel position. */
async function refreshPrescription() {
  const id = view.id;
  if (!id) return;
  try {
    const [events, now] = await Promise.all([
      api("GET", "/prescriptions/" + encodeURIComponent(id) + "/events"),
      api("GET", "/prescriptions/" + encodeURIComponent(id)),
    ]);
    if (view.id !== id) return;
    const known = new Set(view.events.map((e) => e.sequence));
    const firstLoad = view.events.length === 0;
    view.events = events;
    view.now = now;
    renderTimeline(firstLoad ? new Set(events.map((e) => e.sequence)) : known);
    if (view.travelIndex === null) {
      renderState(now);
    }
    renderTravel();
    if (view.drug !== now.drug) {
      view.drug = now.drug;
      refreshStock();
    }
  } catch (failure) {
    if (view.id !== id) return;
    $("#empty").hidden = true;
    showRefusal($("#refusal"), failure);
    if (failure.status === 404) {
      $("#prescription").hidden = false;
      $("#state").hidden = true;
    }
    return;
  }
  $("#state").hidden = false;
}

function renderState(state) {
  $$("#state dd[data-field]").forEach((dd) => (dd.textContent = stateText(state, dd.dataset.field)));
  $("#state dd[data-field=status]").dataset.status = state.status;
  updateActions();
}

/** A field of the state as shown: the expiry as a local date and time, or "never" when the prescription has none. */
function stateText(state, field) {
  if (field === "expiresAt") {
    return state.expiresAt ? formatTime(state.expiresAt) : "never";
  }
  return String(state[field]);
}

function updateActions() {
  if (!view.now) return;
  const past = view.travelIndex !== null;
  const allowed = past ? [] : ALLOWED[view.now.status] || [];
  $$("#actions form[data-action]").forEach((form) => {
    let ok = allowed.includes(form.dataset.action);
    if (form.dataset.action === "refill" && view.now.refillsLeft < 1) ok = false;
    form.hidden = !ok;
  });
  const none = $("#no-actions");
  none.hidden = !past && allowed.length > 0;
  none.textContent = past
    ? "No actions while you look at the past."
    : "No actions: this prescription is " + view.now.status + ".";
}

function renderTimeline(known) {
  const list = $("#timeline");
  list.replaceChildren();
  view.events.forEach((event, index) => {
    const button = element("button", { type: "button", class: "travel-to" },
      element("span", { class: "seq" }, "#" + event.sequence),
      element("span", { class: "type" }, event.type),
      element("time", { dateTime: event.time }, formatTime(event.time)));
    button.setAttribute("aria-label", "State as of event " + event.sequence + ", " + event.type);
    button.addEventListener("click", () => travelTo(index));
    const item = element("li", { class: "event", "data-sequence": event.sequence, "data-type": event.type },
      button, element("pre", { class: "data" }, JSON.stringify(event.data, null, 1).replace(/\n\s*/g, " ")));
    if (!known.has(event.sequence)) item.classList.add("new");
    list.append(item);
  });
}

function renderTravel() {
  const slider = $("#travel");
  const last = Math.max(0, view.events.length - 1);
  slider.max = String(last);
  slider.value = String(view.travelIndex === null ? last : view.travelIndex);
  const index = Number(slider.value);
  const event = view.events[index];
  const label = event
    ? "event " + (index + 1) + " of " + view.events.length + ": #" + event.sequence + " " + event.type
      + (view.travelIndex === null ? " (now)" : "")
    : "no events";
  $("#travel-label").textContent = label;
  slider.setAttribute("aria-valuetext", label);
  $$("#timeline li").forEach((li, i) => {
    li.classList.toggle("future", view.travelIndex !== null && i > view.travelIndex);
    li.classList.toggle("selected", view.travelIndex !== null && i === view.travelIndex);
  });
  const past = view.travelIndex !== null;
  $("#as-of").hidden = !past;
  $("#prescription").classList.toggle("past", past);
  if (past) $("#as-of-event").textContent = "#" + event.sequence + " (" + event.type + ", " + formatTime(event.time) + ")";
}

/** Shows the state as of the event at this index of the timeline (the last one is now). */
async function travelTo(index) {
  const id = view.id;
  clearRefusal($("#refusal"));
  const last = view.events.length - 1;
  if (index >= last) {
    view.travelIndex = null;
    renderTravel();
    renderState(view.now);
    return;
  }
  view.travelIndex = index;
  renderTravel();
  const sequence = view.events[index].sequence;
  try {
    const then = await api("GET", "/prescriptions/" + encodeURIComponent(id) + "?asOf=" + sequence);
    if (view.id === id && view.travelIndex === index) renderState(then);
  } catch (failure) {
    showRefusal($("#refusal"), failure);
  }
}

// --- stock -----------------------------------------------------------------------------------------------------
async function refreshStock() {
  const drug = view.drug;
  if (!drug) return;
  $("#stock").hidden = false;
  $("#stock-drug").textContent = drug;
  try {
    const stock = await api("GET", "/inventory/" + encodeURIComponent(drug));
    if (view.drug !== drug) return;
    $("#stock-onhand").textContent = String(stock.onHand);
  } catch (failure) {
    if (view.drug !== drug) return;
    if (failure.status === 404) {
      $("#stock-onhand").textContent = "0 (no stock received yet)";
    } else {
      showRefusal($("#stock [data-refusal]"), failure);
    }
  }
}

// --- live events -------------------------------------------------------------------------------------------------
function connectLive() {
  const status = $("#live-status");
  const source = new EventSource("/events/stream");
  let opened = false;
  source.onopen = () => {
    status.dataset.state = "connected";
    status.textContent = "Live updates: on";
    if (opened) {
      // back after a break: read again what may have changed meanwhile
      refreshPatients();
      refreshPrescription();
      refreshStock();
    }
    opened = true;
  };
  source.onerror = () => {
    status.dataset.state = "connecting";
    status.textContent = "Live updates: reconnecting…";
    if (source.readyState === EventSource.CLOSED) {
      // the browser gives up on an answer other than 200 (e.g. 503: too many streams); try again later
      setTimeout(() => {
        connectLive();
        refreshPatients();
        refreshPrescription();
        refreshStock();
      }, 5000);
    }
  };
  source.onmessage = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    onLiveEvent(event);
  };
}

function onLiveEvent(event) {
  const feed = $("#feed");
  feed.prepend(element("li", { "data-sequence": event.sequence },
    element("span", { class: "type" }, event.type), " ", event.category + " " + event.id + " · #" + event.sequence));
  while (feed.children.length > 30) feed.lastElementChild.remove();
  if (event.category === "prescription") {
    refreshPatientsSoon();
    if (event.id === view.id && !view.events.some((e) => e.sequence === event.sequence)) {
      refreshPrescription();
    }
  } else if (event.category === "inventory" && event.id === view.drug) {
    refreshStock();
  }
}

// --- wiring ------------------------------------------------------------------------------------------------------
function route() {
  const match = /^#\/prescriptions\/(.+)$/.exec(location.hash);
  if (match) {
    openPrescription(decodeURIComponent(match[1]));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#order-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const body = {};
    ["prescriptionId", "patientId", "drug", "quantity", "unit", "refills", "prescriberId"]
      .forEach((name) => (body[name] = value(form, name)));
    const expires = form.elements.expiresAt.value;
    if (expires) {
      // the browser's local date and time, sent as the ISO-8601 instant it denotes
      const instant = new Date(expires);
      body.expiresAt = isNaN(instant) ? expires : instant.toISOString();
    }
    const created = await submit(form, $("[data-refusal]", form), () => api("POST", "/prescriptions", body));
    if (created) {
      refreshPatientsSoon();
      location.hash = "#/prescriptions/" + encodeURIComponent(created.prescriptionId);
    }
  });

  $("#open-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = e.currentTarget.elements.id.value.trim();
    if (id) location.hash = "#/prescriptions/" + encodeURIComponent(id);
  });

  $$("#actions form[data-action]").forEach((form) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const action = form.dataset.action;
      const body = {};
      $$("input", form).forEach((input) => (body[input.name] = value(form, input.name)));
      const path = "/prescriptions/" + encodeURIComponent(view.id) + "/" + action;
      const result = await submit(form, $("#refusal"), () => api("POST", path, body));
      if (result) {
        await refreshPrescription();
        if (action === "dispense") refreshStock();
      }
    });
  });

  $("#receive-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const path = "/inventory/" + encodeURIComponent(view.drug) + "/receive";
    const stock = await submit(form, $("#stock [data-refusal]"),
      () => api("POST", path, { quantity: value(form, "quantity") }));
    if (stock) {
      $("#stock-onhand").textContent = String(stock.onHand);
    }
  });

  $("#travel").addEventListener("input", (e) => travelTo(Number(e.currentTarget.value)));
  $("#back-to-now").addEventListener("click", () => {
    travelTo(view.events.length - 1);
    $("#travel").focus();
  });

  window.addEventListener("hashchange", route);
  connectLive();
  refreshPatients();
  setInterval(refreshPatients, 4000);
  route();
});
