// Live "N characters remaining" under every textarea with data-counter="<limit>".
(function () {
  function attach(area) {
    var limit = parseInt(area.getAttribute("data-counter"), 10);
    var output = document.createElement("p");
    output.className = "field__help counter";
    output.setAttribute("aria-live", "polite");
    output.id = area.id + "_counter";
    area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + output.id).trim());
    area.insertAdjacentElement("afterend", output);
    function update() {
      var left = limit - area.value.length;
      var words = (document.documentElement.dataset.remaining || "character remaining|characters remaining").split("|");
      output.textContent = left + " " + (left === 1 ? words[0] : words[1]);
      output.classList.toggle("counter--over", left < 0);
    }
    area.addEventListener("input", update);
    update();
  }
  function init(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(attach);
  }
  // A box with data-poll="<url>" is fetched again every data-poll-every ms and replaced by
  // the answer, until the answer no longer asks to be polled (the server decides when to stop).
  function poll(box) {
    var every = parseInt(box.getAttribute("data-poll-every"), 10) || 1000;
    window.setTimeout(function () {
      fetch(box.getAttribute("data-poll"), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          if (!fresh) { return; }
          box.replaceWith(fresh);
          if (fresh.hasAttribute("data-poll")) { poll(fresh); }
        })
        .catch(function () { /* the box keeps its "Check again" link */ });
    }, every);
  }
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

// The Seller Central menu's dropdowns (<details data-menu>): one open at a time, closed by a
// click outside or by Escape (which gives focus back to the menu's heading).
(function () {
  function menus() { return document.querySelectorAll("details[data-menu][open]"); }
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.removeAttribute("open");
      if (hadFocus) { menu.querySelector("summary").focus(); }
    });
  });
})();

// A Reply box's template picker (<form data-template-picker>): choosing a template fetches its
// text filled in for the thread and puts it in the reply (data-template-target), without a
// reload; the form's own GET, which does the same, stays the way without JavaScript and the
// way the page explains a template that cannot be used.
(function () {
  function attach(form) {
    var select = form.querySelector("select");
    var target = document.getElementById(form.getAttribute("data-template-target"));
    var status = form.querySelector("[data-template-status]");
    var apply = form.querySelector("[data-template-apply]");
    if (!select || !target) { return; }
    if (apply) { apply.hidden = true; }
    select.addEventListener("change", function () {
      if (!select.value) { return; }
      var url = form.getAttribute("data-template-url").replace(/\/0\/$/, "/" + encodeURIComponent(select.value) + "/");
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/plain" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (text) {
          target.value = text;
          target.dispatchEvent(new Event("input"));  // the characters-remaining counter
          target.focus();
          if (status) { status.textContent = form.getAttribute("data-template-filled"); }
        })
        .catch(function () { form.submit(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-template-picker]").forEach(attach);
  });
})();

// A "select all" checkbox (data-select-all="<form id>") ticks every row checkbox of that form
// (name="ids", joined by form="<form id>"), and follows them when one is ticked by hand.
// Without JavaScript the server reads the same box as "every request of this page".
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var id = all.getAttribute("data-select-all");
      var rows = document.querySelectorAll('input[type=checkbox][name=ids][form="' + id + '"]');
      all.addEventListener("change", function () {
        rows.forEach(function (row) { row.checked = all.checked; });
      });
      rows.forEach(function (row) {
        row.addEventListener("change", function () {
          all.checked = Array.prototype.every.call(rows, function (r) { return r.checked; });
        });
      });
    });
  });
})();
