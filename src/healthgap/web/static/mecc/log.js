// MECC logging on a phone. Each entry gets a UUID when it is saved and goes into a queue in
// localStorage first; the queue is sent to /mecc/sync (JSON, with the CSRF token) whenever the
// phone is online: after each save, when the page opens, a few seconds after the browser says
// it is back online, when the page comes to the front and every 30 seconds while anything
// waits. The
// server stores each UUID once, so an answer lost on the way only makes the phone send the
// same entries again, and they are not counted twice. Entries the server refuses stay on the
// phone, marked, until the member of staff removes them.
(function () {
  "use strict";
  var form = document.getElementById("mecc-log");
  if (!form || !window.localStorage || !window.fetch || !window.JSON) return;
  var body = document.body;
  var QUEUE = "hg-mecc-queue-" + body.dataset.user;
  var PLACE = "hg-mecc-place-" + body.dataset.user;
  var csrf = body.dataset.csrf;
  var statusEl = document.getElementById("status");
  var destinationGroup = document.getElementById("destination-group");
  var organisation = document.getElementById("organisation");
  var team = document.getElementById("team");
  var setting = document.getElementById("setting");
  var dateInput = document.getElementById("contact_date");
  var state = "ready"; // ready | offline | signed-out | not-allowed
  var syncing = false;
  var note = "";

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }
  function keep(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function localToday() {
    var now = new Date();
    var month = String(now.getMonth() + 1).padStart(2, "0");
    return now.getFullYear() + "-" + month + "-" + String(now.getDate()).padStart(2, "0");
  }

  function label(select) {
    var option = select.options[select.selectedIndex];
    return option ? option.text : "";
  }

  function showPlace() {
    var day = dateInput.value === localToday() ? "Today" : dateInput.value;
    var home = organisation.selectedOptions[0];
    // The setting is named only when it is not the organisation's usual one.
    var unusual = home && home.dataset.setting !== setting.value ? " (" + label(setting) + ")" : "";
    document.getElementById("place-summary").textContent =
      day + ", " + label(team) + ", " + label(organisation) + unusual;
  }

  function filterTeams(keepTeam) {
    var org = organisation.value;
    var first = null;
    Array.prototype.forEach.call(team.options, function (option) {
      var mine = option.dataset.organisation === org;
      option.hidden = !mine;
      option.disabled = !mine;
      if (mine && first === null) first = option.value;
    });
    if (!keepTeam || team.selectedOptions.length === 0 || team.selectedOptions[0].disabled) {
      team.value = first || "";
    }
  }

  function restorePlace() {
    var place = {};
    try { place = JSON.parse(localStorage.getItem(PLACE)) || {}; } catch (e) { place = {}; }
    if (place.organisation && organisation.querySelector('option[value="' + place.organisation + '"]')) {
      organisation.value = place.organisation;
    }
    filterTeams(false);
    if (place.team) {
      var option = team.querySelector('option[value="' + place.team + '"][data-organisation="' + organisation.value + '"]');
      if (option) team.value = place.team;
    } else if (!place.organisation) {
      filterTeams(true);
    }
    if (place.setting && setting.querySelector('option[value="' + place.setting + '"]')) {
      setting.value = place.setting;
    }
  }

  function rememberPlace() {
    localStorage.setItem(PLACE, JSON.stringify({
      organisation: organisation.value, team: team.value, setting: setting.value
    }));
  }

  function needsDestination() {
    var chosen = form.querySelector('input[name="action"]:checked');
    return chosen ? chosen.dataset.needsDestination === "yes" : false;
  }

  function toggleDestination() {
    var needed = needsDestination();
    destinationGroup.hidden = !needed;
    if (!needed) {
      form.querySelectorAll('input[name="destination"]').forEach(function (input) { input.checked = false; });
    }
  }

  function showError(name, visible) {
    document.getElementById(name + "-error").hidden = !visible;
    document.getElementById(name + "-group").classList.toggle("hg-log__group--error", visible);
  }

  function show() {
    var queue = load();
    var waiting = queue.filter(function (item) { return !item.refused; }).length;
    var refused = queue.filter(function (item) { return item.refused; });
    statusEl.dataset.waiting = String(waiting);
    statusEl.dataset.refused = String(refused.length);
    var parts = [];
    if (note) parts.push(note);
    if (waiting && state === "offline") {
      parts.push(waiting + " waiting to send; they will be sent when you are back online.");
    } else if (waiting && state === "signed-out") {
      parts.push(waiting + " waiting to send. Sign in again to send them.");
    } else if (waiting && state === "not-allowed") {
      parts.push(waiting + " waiting: this login may not log conversations.");
    } else if (waiting) {
      parts.push(waiting + " waiting to send.");
    } else if (!refused.length && note === "Saved.") {
      parts.push("All sent.");
    }
    statusEl.textContent = parts.join(" ");
    if (state === "signed-out") {
      var link = document.createElement("a");
      link.href = "/login?next=/mecc/log";
      link.textContent = "Sign in";
      link.className = "govuk-link";
      statusEl.appendChild(document.createTextNode(" "));
      statusEl.appendChild(link);
    }
    if (refused.length) {
      statusEl.appendChild(document.createTextNode(
        " " + refused.length + " could not be saved: " + refused[0].refused + " "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove them";
      remove.addEventListener("click", function () {
        keep(load().filter(function (item) { return !item.refused; }));
        note = "";
        show();
      });
      statusEl.appendChild(remove);
    }
  }

  function refreshToken() {
    return fetch("/mecc/session.json", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (!response.ok || response.redirected || type.indexOf("application/json") < 0) return false;
        return response.json().then(function (data) { csrf = data.csrf_token; return true; });
      });
  }

  function post(entries, retried) {
    return fetch("/mecc/sync", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ entries: entries })
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("application/json") < 0) {
        // The app's own 403 page: an old token (the page came from the phone's cache).
        if (response.status === 403 && !retried) {
          return refreshToken().then(function (ok) {
            return ok ? post(entries, true) : { status: 401 };
          });
        }
        return { status: response.status === 403 ? 401 : response.status };
      }
      return response.json().then(function (data) { data.status = response.status; return data; });
    });
  }

  function sync() {
    if (syncing) return;
    var pending = load().filter(function (item) { return !item.refused; });
    if (!pending.length) { show(); return; }
    syncing = true;
    var batch = pending.slice(0, 500);
    var wasWaiting = state !== "ready" || batch.length > 1;
    post(batch.map(function (item) { return item.entry; }))
      .then(function (answer) {
        if (answer.status === 401) { state = "signed-out"; return; }
        if (answer.status === 403) { state = "not-allowed"; return; }
        if (answer.status !== 200) { state = "offline"; return; }
        state = "ready";
        var stored = {};
        (answer.stored || []).forEach(function (id) { stored[id] = true; });
        // Entries that had been waiting (offline, or saved while a send was out) are
        // confirmed by number, so staff know the queue has gone.
        var sent = batch.filter(function (item) { return stored[item.entry.client_id]; }).length;
        if (sent && wasWaiting) note = sent + (sent === 1 ? " conversation" : " conversations") + " sent.";
        var refused = {};
        (answer.problems || []).forEach(function (problem) {
          var item = problem.position ? batch[problem.position - 1] : null;
          if (item && !stored[item.entry.client_id]) refused[item.entry.client_id] = problem.message;
        });
        // Entries saved while this request was out are kept: the queue is read again.
        keep(load().filter(function (item) { return !stored[item.entry.client_id]; })
          .map(function (item) {
            var why = refused[item.entry.client_id];
            return why ? { entry: item.entry, refused: why } : item;
          }));
      })
      .catch(function () { state = "offline"; })
      .then(function () {
        syncing = false;
        show();
        var left = load().filter(function (item) { return !item.refused; }).length;
        if (state === "ready" && left) sync();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var topics = data.getAll("topics");
    var action = data.get("action");
    var destination = needsDestination() ? data.get("destination") : null;
    showError("topics", topics.length === 0);
    showError("action", !action);
    showError("destination", needsDestination() && !destination);
    if (!topics.length || !action || (needsDestination() && !destination)) {
      note = "";
      statusEl.textContent = "Please finish the entry.";
      return;
    }
    var queue = load();
    queue.push({
      entry: {
        client_id: uuid(),
        contact_date: data.get("contact_date"),
        setting: data.get("setting"),
        organisation: data.get("organisation"),
        team: data.get("team"),
        topics: topics,
        action: action,
        destination: destination
      },
      refused: null
    });
    keep(queue);
    rememberPlace();
    form.querySelectorAll('input[name="topics"], input[name="action"], input[name="destination"]')
      .forEach(function (input) { input.checked = false; });
    toggleDestination();
    note = "Saved.";
    show();
    sync();
  });

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "action") toggleDestination();
    if (target === organisation) {
      filterTeams(false);
      var home = organisation.selectedOptions[0];
      if (home && home.dataset.setting) setting.value = home.dataset.setting;
    }
    if (target.name === "topics") showError("topics", false);
    if (target.name === "action") showError("action", false);
    if (target.name === "destination") showError("destination", false);
    showPlace();
  });

  // The page may come from the phone's cache on a later day: the date starts at today.
  dateInput.max = localToday();
  dateInput.value = localToday();
  restorePlace();
  toggleDestination();
  showPlace();
  show();
  // Back online: wait a random 0-10 s first, so that a ward's phones regaining the network
  // together do not all send in the same instant.
  window.addEventListener("online", function () {
    window.setTimeout(sync, Math.random() * 10000);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync();
  });
  window.setInterval(sync, 30000);
  sync();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/mecc/sw.js", { scope: "/mecc/" }).catch(function () {});
  }
})();
