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
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
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
